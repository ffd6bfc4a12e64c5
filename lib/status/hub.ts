/**
 * The status recorder and live feed, one per process (kept on globalThis: Next bundles the
 * instrumentation hook and the route handlers separately, and module state would not be shared).
 *
 * - Engine events (lib/docker watchStackEvents) are stored in the timeline and trigger a fresh
 *   status of that stack for its subscribers: changes reach pages event-driven, within a second.
 * - A sampler takes CPU and memory of every stack's running containers every few seconds, always,
 *   so the chart has history when someone opens the page at 3 a.m.
 * - For stacks somebody is watching: the app's HTTP probe with each sample (there is no event
 *   for "the app stopped answering") and the PostgreSQL check every 15 s.
 */
import { sampleStackUsage, type ContainerEvent } from '@/lib/docker';
import { checkDatabase, type DatabaseStatus } from '@/lib/postgres';
import { listStacks } from '@/lib/stacks/registry';
import type { Stack } from '@/lib/stacks/types';
import { lastEventTime, pruneEvents, recordEvent } from './event-store';
import { noteEngineEvent, notifyFromEvent } from './alerts';
import { buildStackStatus, probeApp, stackSecrets } from './snapshot';
import type { AppProbe, StackStatus, TimelineEvent, UsagePoint } from './types';
import { UsageHistory } from './usage-history';
import { SwarmWatchers } from './swarm-watchers';
import { EngineWatchers, type EngineState } from './engine-watchers';

export type StatusMessage =
  | { type: 'status'; status: StackStatus }
  | { type: 'usage'; points: { containerId: string; point: UsagePoint }[] }
  | { type: 'event'; event: TimelineEvent }
  | { type: 'probe'; probe: AppProbe }
  | { type: 'database'; database: DatabaseStatus }
  | ({ type: 'engine' } & EngineState);

export type Listener = (message: StatusMessage) => void;

export interface HubOptions {
  sampleEveryMs?: number;
  databaseEveryMs?: number;
  /** Stacks to record; the configured ones by default (tests pass their own). */
  stacks?: () => Stack[];
}

const DEBOUNCE_MS = 100;

export class StatusHub {
  readonly history = new UsageHistory();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly lastDb = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  /** One event stream per engine the stacks live on; null while stopped. */
  private engines: EngineWatchers | null = null;
  private stacks: () => Stack[] = listStacks;
  private databaseEveryMs = 15_000;
  /** Stacks whose sample is under way: a slow or unreachable engine must not hold up the others. */
  private readonly sampling = new Set<string>();
  /** runtime swarm: one watcher per stack on its manager (the engine events above are compose's). */
  private readonly swarm = new SwarmWatchers(
    (stack, m) => this.emit(stack, m),
    (stack) => {
      if (this.watchers(stack.name)) void this.pushDatabase(stack).catch(() => undefined);
    },
  );

  get running(): boolean {
    return this.engines !== null;
  }

  start(opts: HubOptions = {}): void {
    if (this.engines) return;
    if (opts.stacks) this.stacks = opts.stacks;
    this.databaseEveryMs = opts.databaseEveryMs ?? 15_000;
    const since = safe(() => lastEventTime(), null);
    this.engines = new EngineWatchers({
      stacks: () => safe(this.stacks, []),
      // Replay what the engine still buffers since the last stored event (or the last hour).
      since: since ?? BigInt(Date.now() - 3600_000) * 1_000_000n,
      onEvent: (stack, e) => this.onEvent(stack, e),
      onState: (stacks, state) => this.onEngineState(stacks, state),
    });
    this.engines.sync(safe(this.stacks, []));
    const every = opts.sampleEveryMs ?? 5000;
    this.timers.push(setInterval(() => void this.tick(), every));
    this.timers.push(setInterval(() => safe(() => pruneEvents(), 0), 3600_000));
    for (const t of this.timers) t.unref?.();
    safe(() => pruneEvents(), 0);
    this.swarm.sync(safe(this.stacks, []));
    void this.tick();
  }

  stop(): void {
    this.engines?.closeAll();
    this.engines = null;
    this.swarm.closeAll();
    this.timers.forEach(clearInterval);
    this.timers = [];
    this.pending.forEach(clearTimeout);
    this.pending.clear();
  }

  /** The state of the engine `stack` lives on (Opsdeck's own DOCKER_HOST without one). */
  engineState(stack?: Stack): EngineState {
    return this.engines?.stateOf(stack) ?? { connected: false };
  }

  /**
   * An engine went away or came back: its stacks' pages get the engine's state and a fresh status
   * at once (the "engine unreachable" one, or the recovered services), not at the next event.
   */
  private onEngineState(stacks: Stack[], state: EngineState): void {
    for (const stack of stacks) {
      this.emit(stack.name, { type: 'engine', ...state });
      if (this.watchers(stack.name)) void this.refresh(stack).catch(() => undefined);
    }
  }

  subscribe(stack: string, listener: Listener): () => void {
    const set = this.listeners.get(stack) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(stack, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(stack);
    };
  }

  watchers(stack: string): number {
    return this.listeners.get(stack)?.size ?? 0;
  }

  private emit(stack: string, message: StatusMessage): void {
    for (const l of this.listeners.get(stack) ?? []) {
      try {
        l(message);
      } catch {
        // A listener whose client went away; its unsubscribe is on the way.
      }
    }
  }

  private onEvent(stack: Stack, e: ContainerEvent): void {
    safe(() => noteEngineEvent(stack.name, e), undefined); // kills are not stored but decide whether a die alerts
    const stored = safe(() => recordEvent(stack.name, e), null);
    if (stored) {
      this.emit(stack.name, { type: 'event', event: stored });
      safe(() => notifyFromEvent(stack.name, stored), undefined);
    }
    if (!this.watchers(stack.name)) return;
    // A restart is stop, die, start, health… within a second: one fresh status for the burst.
    clearTimeout(this.pending.get(stack.name));
    const t = setTimeout(() => {
      this.pending.delete(stack.name);
      void this.refresh(stack, e.service === stack.database?.service);
    }, DEBOUNCE_MS);
    this.pending.set(stack.name, t);
  }

  /** Pushes a fresh status (and database check) of `stack` to its subscribers. */
  async refresh(stack: Stack, withDatabase = false): Promise<void> {
    const status = await buildStackStatus(stack);
    this.emit(stack.name, { type: 'status', status });
    if (withDatabase) await this.pushDatabase(stack);
  }

  private async pushDatabase(stack: Stack): Promise<void> {
    this.lastDb.set(stack.name, Date.now());
    const database = await checkDatabase(stack, { secrets: stackSecrets(stack) });
    this.emit(stack.name, { type: 'database', database });
  }

  private async tick(): Promise<void> {
    const stacks = safe(this.stacks, []);
    this.swarm.sync(stacks);
    this.engines?.sync(stacks);
    const now = Date.now();
    this.history.prune(now);
    await Promise.all(stacks.map((stack) => this.sample(stack, now)));
  }

  private async sample(stack: Stack, now: number): Promise<void> {
    if (this.sampling.has(stack.name)) return; // a slow engine must not pile up samplers
    this.sampling.add(stack.name);
    try {
      // An engine known to be away is not asked (its stream reconnects and says when it is back).
      if (stack.runtime !== 'swarm' && !this.engineState(stack).connected && this.engineState(stack).message) return;
      const samples = await sampleStackUsage(stack).catch(() => []);
      const points = samples.map((s) => ({ containerId: s.containerId, point: this.history.add(s) }));
      if (!this.watchers(stack.name)) return;
      if (points.length) this.emit(stack.name, { type: 'usage', points });
      const probe = await probeApp(stack);
      if (probe) this.emit(stack.name, { type: 'probe', probe });
      if (now - (this.lastDb.get(stack.name) ?? 0) >= this.databaseEveryMs) await this.pushDatabase(stack);
    } catch (e) {
      console.error(`opsdeck: sampling stack ${stack.name} failed:`, e instanceof Error ? e.message : e);
    } finally {
      this.sampling.delete(stack.name);
    }
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

const holder = globalThis as typeof globalThis & { __opsdeckStatusHub?: StatusHub };

/** The process's hub, started on first use (and by the startup hook, so recording begins at boot). */
export function getStatusHub(): StatusHub {
  holder.__opsdeckStatusHub ??= new StatusHub();
  if (!holder.__opsdeckStatusHub.running) holder.__opsdeckStatusHub.start();
  return holder.__opsdeckStatusHub;
}

export function startStatusRecorder(): void {
  getStatusHub();
}
