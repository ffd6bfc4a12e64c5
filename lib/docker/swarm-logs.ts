/**
 * Logs of a Swarm stack, merged across services, tasks and nodes. The manager collects every task's
 * output from the node that runs it (`/services/{id}/logs`, what `docker service logs` reads); with
 * `details` each line names its node and task, which the task list turns into slot and host name.
 * Lines are ordered by the engine's nanosecond timestamps, which is also the resume cursor: a task
 * rescheduled to another node keeps its service and slot, and the next read starts after the last
 * line seen, so nothing is repeated and nothing skipped.
 */
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { swarmManager, swarmSnapshot } from './swarm';
import { FrameLines } from './swarm-log-frames';

export interface SwarmLogLine {
  /** Engine timestamp, RFC 3339 with nanoseconds: sorts as text, used as the cursor. */
  at: string;
  service: string;
  slot: number | null;
  node: string;
  taskId: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface SwarmLogOptions {
  /** Only lines after this timestamp (exclusive): a resume cursor. */
  after?: string;
  /**
   * Only lines at or after this timestamp (inclusive), or per service: for a reader that counts
   * lines per stamp and keeps a cursor per service (lib/logs/swarm-session.ts).
   */
  from?: string | Record<string, string>;
  /** Last N lines per service. */
  tail?: number;
  services?: string[];
}

/** RFC 3339 with all nine fraction digits: the engine drops trailing zeros, which breaks text order. */
export function fullNanos(at: string): string {
  if (at.length === 30 && at[19] === '.') return at; // already nine digits: most lines
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(at);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : at;
}

function parseDetails(details: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of details.split(',')) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** The engine's timestamp, for the `since` query: seconds with a fraction. */
function sinceParam(at: string): string {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(at);
  if (!m) return '0';
  const secs = Math.floor(Date.parse(`${m[1]}Z`) / 1000);
  return `${secs}.${(m[2] ?? '0').padEnd(9, '0').slice(0, 9)}`;
}

/**
 * One service's log body as a stream: dockerode buffers a whole body unless `follow` is set, and
 * parsing while the manager is still sending is most of what keeps up with `docker service logs`.
 */
function dialServiceLogs(docker: Docker, id: string, options: Record<string, string | number | boolean>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/services/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
        options,
      },
      (err: unknown, res: unknown) => (err ? reject(err) : resolve(res as IncomingMessage)),
    );
  });
}

/** Every service's logs (or `services`), merged in time order and tagged with service, slot and node. */
export async function readSwarmLogs(stack: Stack, opts: SwarmLogOptions = {}): Promise<SwarmLogLine[]> {
  const { docker } = swarmManager(stack);
  const snap = await swarmSnapshot(stack);
  const tasks = new Map(snap.services.flatMap((s) => s.tasks.map((t) => [t.id, t] as const)));
  const nodes = new Map(snap.nodes.map((n) => [n.id, n.hostname]));
  const wanted = snap.services.filter((s) => !opts.services || opts.services.includes(s.name));
  const perService = await Promise.all(
    wanted.map(async (s) => {
      const from = typeof opts.from === 'string' ? opts.from : opts.from?.[s.name];
      const lines: SwarmLogLine[] = [];
      // The details part repeats for every line of a task: parsed once per task.
      const tags = new Map<string, { taskId: string; slot: number | null; node: string }>();
      const parser = new FrameLines((stream, line) => {
        // "<timestamp> <details> <text>"
        const a = line.indexOf(' ');
        const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
        if (b < 0) return;
        const at = fullNanos(line.slice(0, a));
        // `since` is whole-second inclusive on some engines: drop what the cursor already covered.
        if (opts.after && at <= opts.after) return;
        if (from && at < from) return;
        const details = line.slice(a + 1, b);
        let tag = tags.get(details);
        if (!tag) {
          const d = parseDetails(details);
          const task = tasks.get(d['com.docker.swarm.task.id'] ?? '');
          tag = {
            taskId: d['com.docker.swarm.task.id'] ?? '',
            slot: task?.slot ?? null,
            node: nodes.get(d['com.docker.swarm.node.id'] ?? '') ?? task?.node ?? '(unknown)',
          };
          tags.set(details, tag);
        }
        lines.push({ at, service: s.name, slot: tag.slot, node: tag.node, taskId: tag.taskId, stream, text: line.slice(b + 1) });
      });
      const query: Record<string, string | number | boolean> = { stdout: true, stderr: true, timestamps: true, details: true, follow: false };
      if (opts.after || from) query.since = sinceParam((opts.after ?? from)!);
      if (opts.tail !== undefined) query.tail = opts.tail;
      const body = await dialServiceLogs(docker, s.id, query);
      for await (const chunk of body) parser.push(chunk as Buffer);
      parser.end();
      return lines;
    }),
  );
  return perService.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.service.localeCompare(b.service)));
}

/** `service.slot@node` — the tag a merged line carries on the page and in a download. */
export const swarmLogTag = (l: Pick<SwarmLogLine, 'service' | 'slot' | 'node'>) => `${l.service}${l.slot !== null ? `.${l.slot}` : ''}@${l.node}`;
