import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { stackRedactor } from '@/lib/stacks/stack-secrets';
import { listStackServices, resolveStackContainer } from '@/lib/docker';
import { advance, CursorGate, toResumePoint, type Cursor, type ResumePoint } from './cursor';
import { mergeByTime } from './merge';
import { serviceSource, type SourceSpec } from './source';
import { openSwarmLogSession } from './swarm-session';
import { dateToDockerParam, tsFromDate, tsToDockerParam } from './timestamp';
import type { LogItem } from './types';

/** A validated log request (see query.ts); times are instants, the cursor comes from Last-Event-ID. */
export interface LogRequest {
  /** Services to read; empty = every service that has a container. */
  services: string[];
  containerId?: string;
  tail?: number;
  since?: Date;
  until?: Date;
  follow: boolean;
  /** Where the client stands (Last-Event-ID): a plain cursor for one service, or per service. */
  resume?: Cursor | ResumePoint | null;
}

export interface LogSession {
  /** Service names, indexed by the `source` of each line. */
  sources: string[];
  follow: boolean;
  items: AsyncIterable<LogItem[]>;
  /** What the SSE ids are built from: per-source cursors carried over from the resume, and the floor. */
  position: { floor(): Cursor | null; cursors: (Cursor | null)[] };
  /** Stops everything: Docker streams are destroyed, pollers stop. Safe to call twice. */
  close(): void;
}

/** How long a live merge waits for a quieter service before releasing a line out of order. */
export const MERGE_WINDOW_MS = 150;
export const MAX_SOURCES = 20;

async function resolveSources(stack: Stack, req: LogRequest): Promise<SourceSpec[]> {
  const services = await listStackServices(stack);
  if (req.containerId) {
    // The one authorization point: a container outside the stack is refused here.
    const instance = await resolveStackContainer(stack, req.containerId);
    const svc = services.find((s) => s.instances.some((i) => i.id === instance.id));
    return [{ index: 0, service: svc?.name ?? instance.name, containerId: instance.id }];
  }
  if (req.services.length === 0) {
    const withContainers = services.filter((s) => s.instances.length > 0);
    if (withContainers.length === 0) throw new OpsdeckError('not_found', say('errors.logs.noContainers', { stack: stack.name }));
    return withContainers.slice(0, MAX_SOURCES).map((s, index) => ({ index, service: s.name }));
  }
  const names = services.map((s) => s.name);
  const unknown = req.services.find((s) => !names.includes(s));
  if (unknown) {
    throw new OpsdeckError('not_found', say('errors.logs.noService', { stack: stack.name, service: unknown, services: names.join(', ') || say('errors.none') }));
  }
  return [...new Set(req.services)].map((service, index) => ({ index, service }));
}

/** The last `n` lines (markers kept) of finite sources merged in order. */
async function* lastLines(items: AsyncIterable<LogItem[]>, n: number): AsyncGenerator<LogItem[]> {
  let kept: LogItem[] = [];
  for await (const batch of items) {
    kept.push(...batch);
    if (kept.length > n * 2 + 1000) kept = n === 0 ? [] : kept.slice(-n);
  }
  kept = n === 0 ? [] : kept.slice(-n);
  for (let i = 0; i < kept.length; i += 2000) yield kept.slice(i, i + 2000);
}

async function* gated(items: AsyncIterable<LogItem[]>, from: Cursor | null | undefined): AsyncGenerator<LogItem[]> {
  if (!from) return yield* items;
  const gate = new CursorGate(from);
  for await (const batch of items) {
    const kept = batch.filter((i) => i.kind === 'marker' || gate.admit(i.ts));
    if (kept.length) yield kept;
  }
}

/**
 * Opens the logs of one or more services of a stack: validates the services against the stack,
 * then returns the lines as batches. One service is one Docker stream (tail, then follow). Several
 * are merged in timestamp order: the history is read up to a fixed instant T0 and merged strictly,
 * then the live streams start at T0, where a line at exactly T0 cannot appear twice (cursor).
 */
export async function openLogSession(stack: Stack, req: LogRequest): Promise<LogSession> {
  // A Swarm stack's tasks run on other nodes: the manager's merged service logs (swarm-session.ts).
  if (stack.runtime === 'swarm') return openSwarmLogSession(stack, req);
  const specs = await resolveSources(stack, req);
  const abort = new AbortController();
  const signal = abort.signal;
  // Every secret of the stack is masked in its logs too.
  const redact = stackRedactor(stack);
  const follow = req.follow && !req.until;
  const resume = toResumePoint(req.resume);
  const since = req.since ? dateToDockerParam(req.since) : undefined;
  const until = req.until ? dateToDockerParam(req.until) : undefined;
  const tail = resume ? undefined : req.tail;
  // A resumed source goes on after its own cursor, or after the floor if it had delivered nothing.
  const fromOf = (spec: SourceSpec): Cursor | null => (resume ? (resume.bySource[spec.service] ?? resume.floor) : null);
  const open = (spec: SourceSpec, o: { follow: boolean; tail?: number; since?: string; until?: string }) => {
    const from = fromOf(spec);
    return gated(serviceSource(stack, spec, { ...o, since: from ? tsToDockerParam(from.ts) : o.since, signal, redact }), from);
  };
  // The floor: every line of every source at or after it that is not behind a source's own cursor
  // is still to come. The resume's; else `since`; else the first line shown (a merged tail).
  let floor: Cursor | null = resume?.floor ?? (req.since ? { ts: tsFromDate(req.since), n: 0 } : null);

  let items: AsyncIterable<LogItem[]>;
  if (specs.length === 1) {
    items = open(specs[0], { follow, tail, since, until });
  } else if (!follow || resume) {
    const merged = mergeByTime(specs.map((s) => open(s, { follow, tail, since, until })), { windowMs: follow ? MERGE_WINDOW_MS : null, signal });
    items = tail === undefined ? merged : lastLines(merged, tail);
  } else {
    items = (async function* () {
      const t0 = new Date();
      const t0Param = dateToDockerParam(t0);
      let afterHistory: Cursor | null = null;
      const merged = mergeByTime(specs.map((s) => open(s, { follow: false, tail, since, until: t0Param })), { windowMs: null, signal });
      for await (const batch of tail === undefined ? merged : lastLines(merged, tail)) {
        for (const item of batch) if (item.kind === 'line') afterHistory = advance(afterHistory, item.ts);
        yield batch;
      }
      // Live from T0; lines at exactly the last history stamp were already shown.
      const resumeAt: Cursor = afterHistory ?? { ts: tsFromDate(t0), n: 0 };
      floor ??= { ts: resumeAt.ts, n: 0 };
      const live = mergeByTime(specs.map((s) => open(s, { follow: true, since: tsToDockerParam(resumeAt.ts) })), { windowMs: MERGE_WINDOW_MS, signal });
      yield* gated(live, resumeAt);
    })();
  }
  const withFloor = (async function* () {
    for await (const batch of items) {
      if (!floor) {
        const first = batch.find((i) => i.kind === 'line');
        if (first) floor = { ts: first.ts, n: 0 };
      }
      yield batch;
    }
  })();
  return {
    sources: specs.map((s) => s.service),
    follow,
    items: withFloor,
    position: { floor: () => floor, cursors: specs.map((s) => resume?.bySource[s.service] ?? null) },
    close: () => abort.abort(),
  };
}
