/**
 * Following a Swarm stack live. The manager's event stream says when a service or node changes
 * (`service update`, `node update` with state.new=down); a task's state has no event on the manager
 * (its container's events are on the node that runs it, which may be the one that just died), so
 * the task list is also read every second. Each fresh snapshot is compared with the previous one and
 * the changes a person must hear about are reported: a task that failed or was rejected, a node that
 * went down or came back.
 */
import type { Stack } from '@/lib/stacks/types';
import { swarmManager, swarmSnapshot, type SwarmNode, type SwarmSnapshot, type SwarmTask } from './swarm';

export type SwarmChange =
  | { kind: 'task'; service: string; task: SwarmTask; from: string | null }
  | { kind: 'node'; node: SwarmNode; from: string };

export interface SwarmWatchOptions {
  onSnapshot: (snap: SwarmSnapshot) => void;
  onChange: (change: SwarmChange) => void;
  onError?: (e: unknown) => void;
  pollMs?: number;
}

/** Task states worth reporting when a task reaches them (the others are steps of a normal start). */
const REPORTED = new Set(['running', 'failed', 'rejected', 'orphaned', 'complete', 'shutdown']);

export function diffSwarm(prev: SwarmSnapshot | null, next: SwarmSnapshot): SwarmChange[] {
  const changes: SwarmChange[] = [];
  const oldTasks = new Map(prev?.services.flatMap((s) => s.tasks.map((t) => [t.id, t.state] as const)) ?? []);
  for (const s of next.services) {
    for (const t of s.tasks) {
      const from = oldTasks.get(t.id) ?? null;
      if (from !== t.state && REPORTED.has(t.state) && (prev !== null)) changes.push({ kind: 'task', service: s.name, task: t, from });
    }
  }
  const oldNodes = new Map(prev?.nodes.map((n) => [n.id, n.state]) ?? []);
  for (const n of next.nodes) {
    const from = oldNodes.get(n.id);
    if (from !== undefined && from !== n.state) changes.push({ kind: 'node', node: n, from });
  }
  return changes;
}

export function watchSwarm(stack: Stack, opts: SwarmWatchOptions): { close(): void } {
  let closed = false;
  let last: SwarmSnapshot | null = null;
  let busy = false;
  let again = false;
  let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;

  const refresh = async () => {
    if (closed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const snap = await swarmSnapshot(stack);
      if (closed) return;
      for (const c of diffSwarm(last, snap)) opts.onChange(c);
      last = snap;
      opts.onSnapshot(snap);
    } catch (e) {
      opts.onError?.(e);
    } finally {
      busy = false;
      if (again && !closed) {
        again = false;
        void refresh();
      }
    }
  };

  const follow = async () => {
    try {
      const { docker } = swarmManager(stack);
      const s = (await docker.getEvents({ filters: { type: ['service', 'node'] } })) as NodeJS.ReadableStream & { destroy?: () => void };
      if (closed) return s.destroy?.();
      stream = s;
      s.on('data', () => void refresh());
      s.on('error', () => undefined); // the poll below keeps the page current; the stream is a speed-up
    } catch (e) {
      opts.onError?.(e);
    }
  };

  void follow();
  void refresh();
  const timer = setInterval(() => void refresh(), opts.pollMs ?? 1000);
  timer.unref?.();
  return {
    close() {
      closed = true;
      clearInterval(timer);
      stream?.destroy?.();
    },
  };
}
