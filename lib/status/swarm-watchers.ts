/**
 * The status hub's Swarm side: a watcher per `runtime: swarm` stack, kept in step with the config
 * (started for a new stack, closed for a removed one). Every snapshot becomes a status message and
 * every reported change a timeline event and, when it is a failure, a notification.
 */
import { watchSwarm } from '@/lib/docker/swarm-watch';
import type { Stack } from '@/lib/stacks/types';
import type { StatusMessage } from './hub';
import { recordSwarmChange, swarmStatusOf } from './swarm-status';

export class SwarmWatchers {
  private readonly open = new Map<string, { key: string; close(): void }>();

  constructor(private readonly emit: (stack: string, message: StatusMessage) => void) {}

  sync(stacks: readonly Stack[]): void {
    const wanted = new Map(stacks.filter((s) => s.runtime === 'swarm' && s.swarm).map((s) => [s.name, s] as const));
    for (const [name, w] of this.open) {
      const s = wanted.get(name);
      if (!s || JSON.stringify(s.swarm) + s.projectName !== w.key) {
        w.close();
        this.open.delete(name);
      }
    }
    for (const [name, stack] of wanted) {
      if (this.open.has(name)) continue;
      let last = '';
      const w = watchSwarm(stack, {
        // Read every second; pushed to the page only when something changed.
        onSnapshot: (snap) => {
          const json = JSON.stringify(snap);
          if (json === last) return;
          last = json;
          this.emit(name, { type: 'status', status: swarmStatusOf(stack, snap) });
        },
        onChange: (change) => {
          try {
            const event = recordSwarmChange(stack, change);
            if (event) this.emit(name, { type: 'event', event });
          } catch (e) {
            console.error('opsdeck: swarm change not recorded:', e instanceof Error ? e.message : e);
          }
        },
      });
      this.open.set(name, { key: JSON.stringify(stack.swarm) + stack.projectName, close: () => w.close() });
    }
  }

  closeAll(): void {
    for (const w of this.open.values()) w.close();
    this.open.clear();
  }
}
