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

  /**
   * `onDatabaseMoved`: the database service's running task changed (restarted, rescheduled to
   * another node), so the PostgreSQL panel is checked again now rather than at its next period.
   */
  constructor(
    private readonly emit: (stack: string, message: StatusMessage) => void,
    private readonly onDatabaseMoved: (stack: Stack) => void = () => undefined,
  ) {}

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
      let database: string | null = null;
      const w = watchSwarm(stack, {
        // Read every second; pushed to the page only when something changed.
        onSnapshot: (snap) => {
          const json = JSON.stringify(snap);
          if (json === last) return;
          last = json;
          const tasks = snap.services.find((s) => s.name === stack.database?.service)?.tasks ?? [];
          const now = tasks.filter((t) => t.state === 'running' && t.desiredState === 'running').map((t) => `${t.id}@${t.nodeId}`).join(',');
          if (database !== null && now !== database) this.onDatabaseMoved(stack);
          database = now;
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
