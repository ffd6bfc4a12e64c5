/**
 * The status hub's engine side: one event stream per Docker Engine its compose stacks live on (a
 * stack's `docker:` engine, or DOCKER_HOST's), kept in step with the config like the Swarm watchers.
 * Each engine has its own connected / unreachable state, so one engine going away marks only its
 * own stacks, and each stream reconnects on its own (lib/docker/events.ts) when the engine returns.
 */
import { engineKey, engineUnreachableSaid, getDocker, watchStackEvents, type ContainerEvent } from '@/lib/docker';
import type { Stack } from '@/lib/stacks/types';
import type { Said } from '@/lib/i18n/said';

export interface EngineState {
  connected: boolean;
  message?: string;
  /** The message as keyed text, when it is the engine being unreachable. */
  said?: Said;
}

interface Hooks {
  stacks: () => Stack[];
  since: bigint;
  onEvent: (stack: Stack, event: ContainerEvent) => void;
  /** The engine's state changed: `stacks` are the ones on it now. */
  onState: (stacks: Stack[], state: EngineState) => void;
}

const onEngine = (key: string) => (s: Stack) => s.runtime !== 'swarm' && engineKey(s) === key;

export class EngineWatchers {
  private readonly open = new Map<string, { close(): void; state: EngineState }>();

  constructor(private readonly hooks: Hooks) {}

  /** Opens a stream for every engine a stack names (and Opsdeck's own), closes those nobody names. */
  sync(stacks: readonly Stack[]): void {
    const wanted = new Map<string, Stack | undefined>([[engineKey(), undefined]]);
    for (const s of stacks) if (s.runtime !== 'swarm' && !wanted.has(engineKey(s))) wanted.set(engineKey(s), s);
    for (const [key, w] of this.open) {
      if (wanted.has(key)) continue;
      w.close();
      this.open.delete(key);
    }
    for (const [key, owner] of wanted) {
      if (this.open.has(key)) continue;
      const entry = { state: { connected: false } as EngineState, close: () => {} };
      this.open.set(key, entry);
      const mine = () => this.hooks.stacks().filter(onEngine(key));
      const w = watchStackEvents({
        engine: owner,
        stacks: mine,
        since: this.hooks.since,
        onEvent: this.hooks.onEvent,
        onStatus: (s) => {
          const label = getDocker(owner).endpoint.label;
          const said = s.connected ? null : engineUnreachableSaid(s.error, label);
          entry.state = s.connected ? { connected: true } : { connected: false, message: said?.text ?? s.error.message, ...(said ? { said } : {}) };
          this.hooks.onState(mine(), entry.state);
        },
      });
      entry.close = () => w.close();
    }
  }

  /** The state of the engine `stack` lives on (Opsdeck's own without a stack). */
  stateOf(stack?: Stack): EngineState {
    return this.open.get(engineKey(stack))?.state ?? { connected: false };
  }

  closeAll(): void {
    for (const w of this.open.values()) w.close();
    this.open.clear();
  }
}
