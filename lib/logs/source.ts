import type { Stack } from '@/lib/stacks/types';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { listStackServices } from '@/lib/docker';
import { inspectLogTarget, openContainerLogs, type ContainerLogStream, type LogTarget } from '@/lib/docker/logs';
import { abortableSleep } from './abortable-sleep';
import { advance, CursorGate, type Cursor } from './cursor';
import { LineSplitter } from './line-splitter';
import { dateToDockerParam, tsFromDate, tsToDockerParam } from './timestamp';
import type { LogItem, LogLine, LogMarker, MarkerKind } from './types';

export interface SourceSpec {
  /** Position in the session (lines carry it). */
  index: number;
  service: string;
  /** One specific container, already checked against the stack; otherwise the service's current one. */
  containerId?: string;
}

export interface SourceOptions {
  follow: boolean;
  /** Lines from the end on the first open; undefined = all. */
  tail?: number;
  /** Docker parameters (unix seconds with fraction). */
  since?: string;
  until?: string;
  signal: AbortSignal;
  redact?: (text: string) => string;
  /** How often a follower looks for the restarted container. */
  pollMs?: number;
}

/** The container to read for a service: the running one, else the most recently created. */
async function currentContainer(stack: Stack, service: string): Promise<string | null> {
  const svc = (await listStackServices(stack)).find((s) => s.name === service);
  if (!svc || svc.instances.length === 0) return null;
  const running = svc.instances.find((i) => i.state === 'running' || i.state === 'restarting');
  if (running) return running.id;
  return [...svc.instances].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0].id;
}

const short = (id: string) => id.slice(0, 12);

/**
 * One service's log as batches of lines, in order. When following, it survives the container:
 * when Docker ends the stream (the container stopped), it says so, waits for the service to run
 * again (the same container restarted, or a new one created by compose), marks the gap and goes
 * on from the last line delivered, so nothing is shown twice and nothing is skipped.
 */
export async function* serviceSource(stack: Stack, spec: SourceSpec, opts: SourceOptions): AsyncGenerator<LogItem[]> {
  const { signal } = opts;
  const pollMs = opts.pollMs ?? 500;
  const marker = (kind: MarkerKind, text: string): LogMarker => ({ kind: 'marker', source: spec.index, ts: tsFromDate(new Date()), marker: kind, text });

  // Held in an object: the line filter below advances it from a closure.
  const pos: { cursor: Cursor | null } = { cursor: null };
  /** The instance whose stream ended: a new stream must come from a later start of the service. */
  let ended: LogTarget | null = null;
  let opened = false;
  let openedAt = new Date();
  let said = '';
  const sayOnce = function* (kind: MarkerKind, text: string) {
    if (said === text) return;
    said = text;
    yield [marker(kind, text)];
  };

  while (!signal.aborted) {
    let stream: ContainerLogStream | null = null;
    try {
      const id = spec.containerId ?? (await currentContainer(stack, spec.service));
      if (!id) {
        if (!opts.follow) return yield* sayOnce('waiting', `${spec.service} has no container.`);
        yield* sayOnce('waiting', `${spec.service} has no container yet; waiting for one to start.`);
        await abortableSleep(pollMs, signal);
        continue;
      }
      // A pinned container was checked against the stack already; it may carry no service label.
      const service = spec.containerId ? undefined : spec.service;
      if (ended) {
        // Cheap check before opening a stream: has the service started again since the stream ended?
        const t = await inspectLogTarget(stack, id, service);
        if (!t.running || (t.id === ended.id && t.startedAt === ended.startedAt)) {
          await abortableSleep(pollMs, signal);
          continue;
        }
      }
      // Reopening: from the last line delivered, or (none yet) from when the last stream opened.
      const resumeFrom = pos.cursor ? tsToDockerParam(pos.cursor.ts) : opened ? dateToDockerParam(openedAt) : opts.since;
      openedAt = new Date();
      stream = await openContainerLogs(stack, id, service, {
        follow: opts.follow,
        tail: opened ? undefined : opts.tail,
        since: resumeFrom,
        until: opts.until,
        signal,
      });
      opened = true;
      const t = stream.target;
      if (ended) {
        const who = t.id === ended.id ? `container ${t.name} restarted` : `new container ${t.name} (${short(t.id)}) replaces ${short(ended.id)}`;
        const gap = pos.cursor ? `; nothing was logged between ${pos.cursor.ts} and its first line below` : '';
        said = '';
        yield [marker('restarted', `${spec.service}: ${who} at ${t.startedAt}${gap}.`)];
      }
      const gate = new CursorGate(pos.cursor);
      const splitter = new LineSplitter({ source: spec.index, tty: t.tty, redact: opts.redact });
      const take = (lines: LogLine[]): LogLine[] => {
        const kept: LogLine[] = [];
        for (const line of lines) {
          if (!gate.admit(line.ts)) continue;
          pos.cursor = advance(pos.cursor, line.ts);
          kept.push(line);
        }
        return kept;
      };
      for await (const pieces of stream.pieces) {
        const lines: LogLine[] = [];
        splitter.push(pieces, lines);
        const kept = take(lines);
        if (kept.length) yield kept;
      }
      const rest: LogLine[] = [];
      splitter.end(rest);
      const kept = take(rest);
      if (kept.length) yield kept;
      if (!opts.follow || signal.aborted) return;
      // Docker ends a followed log when the container stops. If it still runs (the engine dropped
      // the stream), just reopen from the cursor.
      const now = await inspectLogTarget(stack, t.id, service).catch(() => null);
      if (now?.running && now.startedAt === t.startedAt) {
        await abortableSleep(pollMs, signal);
        continue;
      }
      ended = t;
      yield* sayOnce('stopped', t.running ? `${spec.service} stopped (container ${t.name}); waiting for it to start again.` : `${spec.service} is not running (container ${t.name}); waiting for it to start.`);
    } catch (e) {
      if (signal.aborted) return;
      if (spec.containerId && isOpsdeckError(e) && e.code === 'not_found') {
        return yield [marker('removed', `The container ${short(spec.containerId)} of ${spec.service} no longer exists.`)];
      }
      if (!isOpsdeckError(e)) console.error(`[logs ${stack.name}/${spec.service}]`, e);
      if (!opts.follow) return yield [marker('error', `${spec.service}: ${userMessageOf(e)}`)];
      yield* sayOnce('error', `${spec.service}: ${userMessageOf(e)} Retrying.`);
      await abortableSleep(pollMs * 4, signal);
    } finally {
      stream?.close();
    }
  }
}
