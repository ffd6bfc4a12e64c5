/**
 * Logs of a Swarm stack, merged across services, tasks and nodes. The manager collects every task's
 * output from the node that runs it (`/services/{id}/logs`, what `docker service logs` reads); with
 * `details` each line names its node and task, which the task list turns into slot and host name.
 * Lines are ordered by the engine's nanosecond timestamps, which is also the resume cursor: a task
 * rescheduled to another node keeps its service and slot, and the next read starts after the last
 * line seen, so nothing is repeated and nothing skipped.
 */
import type { Stack } from '@/lib/stacks/types';
import { swarmManager, swarmSnapshot } from './swarm';

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

/** Splits the engine's multiplexed stream (8-byte frame headers) into lines per stream. */
function* frames(buf: Buffer): Generator<{ stream: 'stdout' | 'stderr'; text: string }> {
  let off = 0;
  let pending = { stdout: '', stderr: '' };
  while (off + 8 <= buf.length) {
    const stream = buf[off] === 2 ? 'stderr' : 'stdout';
    const size = buf.readUInt32BE(off + 4);
    pending[stream] += buf.subarray(off + 8, off + 8 + size).toString('utf8');
    off += 8 + size;
    let nl: number;
    while ((nl = pending[stream].indexOf('\n')) >= 0) {
      yield { stream, text: pending[stream].slice(0, nl) };
      pending[stream] = pending[stream].slice(nl + 1);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) yield { stream, text: pending[stream] };
  pending = { stdout: '', stderr: '' };
}

/** RFC 3339 with all nine fraction digits: the engine drops trailing zeros, which breaks text order. */
export function fullNanos(at: string): string {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(at);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : at;
}

const LINE = /^(\S+) (\S+) (.*)$/s;

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
      const raw = (await docker.getService(s.id).logs({
        stdout: true,
        stderr: true,
        timestamps: true,
        details: true,
        follow: false,
        ...(opts.after || from ? { since: sinceParam((opts.after ?? from)!) as unknown as number } : {}),
        ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      })) as unknown as Buffer;
      const lines: SwarmLogLine[] = [];
      for (const f of frames(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)))) {
        const m = LINE.exec(f.text);
        if (!m) continue;
        const [, rawAt, details, text] = m;
        const at = fullNanos(rawAt);
        // `since` is whole-second inclusive on some engines: drop what the cursor already covered.
        if (opts.after && at <= opts.after) continue;
        if (from && at < from) continue;
        const d = parseDetails(details);
        const task = tasks.get(d['com.docker.swarm.task.id'] ?? '');
        lines.push({
          at,
          service: s.name,
          slot: task?.slot ?? null,
          node: nodes.get(d['com.docker.swarm.node.id'] ?? '') ?? task?.node ?? '(unknown)',
          taskId: d['com.docker.swarm.task.id'] ?? '',
          stream: f.stream,
          text,
        });
      }
      return lines;
    }),
  );
  return perService.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.service.localeCompare(b.service)));
}

/** `service.slot@node` — the tag a merged line carries on the page and in a download. */
export const swarmLogTag = (l: Pick<SwarmLogLine, 'service' | 'slot' | 'node'>) => `${l.service}${l.slot !== null ? `.${l.slot}` : ''}@${l.node}`;
