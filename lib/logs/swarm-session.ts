/**
 * The log session of a `runtime: swarm` stack: the same contract as a compose stack's (sources are
 * the services, SSE ids are per-service cursors, a resume repeats nothing and skips nothing), read
 * from the manager's merged service logs (lib/docker/swarm-logs), each line tagged with its task's
 * slot and node. The manager's service logs cannot be followed across a task rescheduled to another
 * node as one stream, so a live session reads them again every POLL_MS from its cursors.
 */
import { readSwarmLogs, type SwarmLogLine } from '@/lib/docker/swarm-logs';
import { swarmSnapshot } from '@/lib/docker/swarm';
import { OpsdeckError, userMessageOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { stackRedactor } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import { abortableSleep } from './abortable-sleep';
import { advance, CursorGate, toResumePoint, type Cursor } from './cursor';
import { detectLevel } from './json-level';
import type { LogRequest, LogSession } from './session';
import { isDockerTs, tsFromDate } from './timestamp';
import type { LogItem, LogLine } from './types';

export const POLL_MS = 1000;
const MAX_SOURCES = 20;

/** `slot@node` as it travels on the wire (no spaces: the record's first field ends at one). */
export const lineTag = (l: Pick<SwarmLogLine, 'slot' | 'node'>) => `${l.slot ?? ''}@${l.node.replace(/\s/g, '_')}`;

async function resolveServices(stack: Stack, req: LogRequest): Promise<string[]> {
  if (req.containerId) throw new OpsdeckError('invalid_input', say('errors.logs.swarmPerService', { stack: stack.name }));
  const names = (await swarmSnapshot(stack)).services.map((s) => s.name);
  if (req.services.length === 0) {
    if (names.length === 0) throw new OpsdeckError('not_found', say('errors.logs.noSwarmService', { stack: stack.name }));
    return names.slice(0, MAX_SOURCES);
  }
  const unknown = req.services.find((s) => !names.includes(s));
  if (unknown) throw new OpsdeckError('not_found', say('errors.logs.noService', { stack: stack.name, service: unknown, services: names.join(', ') || say('errors.none') }));
  return [...new Set(req.services)];
}

export async function openSwarmLogSession(stack: Stack, req: LogRequest, opts: { pollMs?: number } = {}): Promise<LogSession> {
  const sources = await resolveServices(stack, req);
  const abort = new AbortController();
  const signal = abort.signal;
  const redact = stackRedactor(stack);
  const follow = req.follow && !req.until;
  const resume = toResumePoint(req.resume);
  const until = req.until ? tsFromDate(req.until) : null;
  // Per source: the last line delivered (or, resumed, the client's own cursor, else the floor).
  const cursors: (Cursor | null)[] = sources.map((s) => (resume ? (resume.bySource[s] ?? resume.floor) : null));
  let floor: Cursor | null = resume?.floor ?? (req.since ? { ts: tsFromDate(req.since), n: 0 } : null);
  const indexOf = new Map(sources.map((s, i) => [s, i]));
  const marker = (text: string): LogItem => ({ kind: 'marker', source: 0, ts: tsFromDate(new Date()), marker: 'error', text });

  /**
   * One read of every source from its own position (a quiet service does not make the others read
   * their history again); each source's gate drops the lines at its cursor's stamp it already delivered.
   */
  const readOnce = async (first: boolean): Promise<LogLine[]> => {
    const positions = cursors.map((c) => c ?? floor);
    const from = Object.fromEntries(sources.flatMap((s, i) => (positions[i] ? [[s, positions[i].ts]] : [])));
    const tail = first && !resume ? req.tail : undefined;
    const raw = await readSwarmLogs(stack, { services: sources, from, ...(tail !== undefined ? { tail } : {}) });
    const gates = positions.map((p) => new CursorGate(p));
    let lines: LogLine[] = [];
    for (const l of raw) {
      const i = indexOf.get(l.service);
      if (i === undefined || !isDockerTs(l.at) || (until && l.at > until)) continue;
      if (!gates[i].admit(l.at)) continue;
      const text = redact(l.text);
      lines.push({ kind: 'line', source: i, stream: l.stream, ts: l.at, text, level: detectLevel(text), tag: lineTag(l) });
    }
    // A tail is the last N lines of the merge, as for several compose services.
    if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);
    for (const l of lines) cursors[l.source] = advance(cursors[l.source], l.ts);
    return lines;
  };

  const items = (async function* (): AsyncGenerator<LogItem[]> {
    const startedAt = tsFromDate(new Date());
    let first = true;
    let failed = '';
    while (!signal.aborted) {
      try {
        const lines = await readOnce(first);
        // Nothing shown yet: the next reads start where this one started, so nothing logged meanwhile is lost.
        floor ??= lines.length ? { ts: lines[0].ts, n: 0 } : { ts: startedAt, n: 0 };
        failed = '';
        for (let i = 0; i < lines.length; i += 2000) yield lines.slice(i, i + 2000);
      } catch (e) {
        if (signal.aborted) return;
        const text = `${userMessageOf(e)}${follow ? ' Retrying.' : ''}`;
        if (!follow) return yield [marker(text)];
        if (text !== failed) yield [marker(text)];
        failed = text;
      }
      first = false;
      if (!follow) return;
      await abortableSleep(opts.pollMs ?? POLL_MS, signal);
    }
  })();

  return {
    sources,
    follow,
    items,
    position: { floor: () => floor, cursors: sources.map((s) => resume?.bySource[s] ?? null) },
    close: () => abort.abort(),
  };
}
