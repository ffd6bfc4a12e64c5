/**
 * Running a job: take the stack's lock (a row in the store), hand the work a context to report
 * through, record how it ended, free the lock. The work runs in this process; its log and progress
 * go to the store as they happen, which is what the SSE route streams to the page.
 */
import { recordAudit } from '@/lib/audit';
import { isOpsdeckError, saidOf } from '@/lib/errors';
import { isSaid, mapSaidParams, type Said, type SaidParams } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { observeJob } from '@/lib/metrics/events';
import { appendEvent, deleteNote, finishJob, getJob, heartbeat, insertRunningJob, saveProgress, setNote, type NewJob } from './job-store';
import { HEARTBEAT_STALE_MS } from './owner';
import { jobRedactor } from './masking';
import type { EmitInput, Job, JobContext } from './types';

/** Progress snapshots are written at most this often; a dump reports thousands of chunks a second. */
const PROGRESS_EVERY_MS = 400;
const LOG_LINE_MAX = 4000;

const live = globalThis as typeof globalThis & { __opsdeckLiveJobs?: Map<string, AbortController>; __opsdeckBeat?: NodeJS.Timeout };
const liveJobs = (live.__opsdeckLiveJobs ??= new Map());

function ensureHeartbeat(): void {
  if (live.__opsdeckBeat) return;
  live.__opsdeckBeat = setInterval(() => {
    if (liveJobs.size === 0) return;
    try {
      heartbeat([...liveJobs.keys()]);
    } catch (e) {
      console.error('[opsdeck] job heartbeat failed:', e instanceof Error ? e.message : e);
    }
  }, HEARTBEAT_STALE_MS / 3);
  live.__opsdeckBeat.unref();
}

/** Ids of the jobs this process is running right now. */
export function liveJobIds(): string[] {
  return [...liveJobs.keys()];
}

function makeContext(job: Job, controller: AbortController, mask: (text: string) => string): JobContext {
  const started = Date.parse(job.startedAt);
  let lastProgress = 0;
  // Every text a job reports is shown to viewers: compose output, pg messages and container log
  // lines can all carry the stack's passwords, so nothing reaches the store unmasked.
  // Keyed text (lib/i18n/said.ts) keeps its key and masked parameters, so the page can translate it.
  const keyed = (e: { key?: string; params?: SaidParams }): { key?: string; params?: SaidParams } =>
    e.key ? { key: e.key, ...(e.params ? { params: mapSaidParams(e.params, mask) } : {}) } : {};
  const emit = (e: EmitInput) => {
    try {
      if (e.type === 'progress') {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        saveProgress(job.id, { phase: mask(e.phase), ...keyed(e), bytes: e.bytes, totalBytes: e.totalBytes, rate: e.rate, elapsedMs: now - started });
      } else if (e.type === 'step') {
        const text = mask(e.text ?? e.name);
        appendEvent(job.id, 'step', text, 'info', { name: mask(e.name), ...keyed(e) });
        saveProgress(job.id, { phase: text, ...keyed(e), elapsedMs: Date.now() - started });
      } else {
        // Masked before the cut, so a secret straddling the limit cannot leave its head behind.
        const data = keyed(e);
        appendEvent(job.id, 'log', mask(e.text).slice(0, LOG_LINE_MAX), e.level ?? 'info', data.key ? data : null);
      }
    } catch (err) {
      // A log write must never fail the operation it describes.
      console.error(`[opsdeck] job ${job.id}: could not record an event:`, err instanceof Error ? err.message : err);
    }
  };
  return {
    id: job.id,
    stack: job.stack,
    kind: job.kind,
    user: job.startedBy,
    emit,
    signal: controller.signal,
    remember: (key, value) => setNote(job.id, key, value),
    forget: (key) => deleteNote(job.id, key),
  };
}

/** What the work returns: the one-line summary shown in lists, keyed (say(…)) where it can be. */
export type JobWork = (ctx: JobContext) => Promise<string | Said | void>;

/** The job's title as a parameter of other keyed text. */
const titleOf = (job: Job): string | Said => (job.titleSaid ? { ...job.titleSaid, text: job.title } : job.title);

/** Keyed text with its English and its parameters masked; plain text masked. */
function maskSaid(v: string | Said | { text: string }, mask: (text: string) => string): string | Said {
  if (typeof v === 'string') return mask(v);
  if (!isSaid(v)) return mask(v.text);
  return { ...v, text: mask(v.text), ...(v.params ? { params: mapSaidParams(v.params, mask) } : {}) };
}

async function execute(job: Job, controller: AbortController, work: JobWork, mask: (text: string) => string): Promise<Job> {
  const ctx = makeContext(job, controller, mask);
  let status: 'succeeded' | 'failed' = 'succeeded';
  let summary: string | Said;
  let detail: string | null = null;
  try {
    summary = maskSaid((await work(ctx)) || say('jobs.summary.done', { title: titleOf(job) }), mask);
    ctx.emit({ type: 'log', ...(typeof summary === 'string' ? { text: summary } : summary) });
  } catch (e) {
    status = 'failed';
    if (isOpsdeckError(e)) {
      summary = maskSaid(saidOf(e), mask);
      detail = e.detail ? mask(e.detail) : null;
    } else {
      // An untyped error's text was never written for users: a generic line, the masked raw text as detail.
      summary = say('errors.unexpectedJob');
      detail = mask(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      console.error(`[opsdeck] job ${job.id} (${job.kind}) failed:`, mask(e instanceof Error ? (e.stack ?? detail) : detail));
    }
    ctx.emit({ type: 'log', level: 'error', ...(typeof summary === 'string' ? { text: summary } : summary) });
  } finally {
    liveJobs.delete(job.id);
  }
  const summaryText = typeof summary === 'string' ? summary : summary.text;
  try {
    finishJob(job.id, status, summary, detail);
    appendEvent(job.id, 'end', status === 'succeeded' ? 'Finished.' : 'Failed.', status === 'succeeded' ? 'info' : 'error', { status });
  } catch (e) {
    console.error(`[opsdeck] job ${job.id}: could not record its end:`, e);
  }
  observeJob(job.stack, job.kind, status, (Date.now() - Date.parse(job.startedAt)) / 1000);
  recordAudit({
    actor: job.startedBy ?? 'scheduler',
    role: null,
    ip: null,
    action: `job.${job.kind}`,
    stack: job.stack,
    target: `#${job.id}${job.target ? ` ${job.target}` : ''}`,
    result: status === 'succeeded' ? 'ok' : 'error',
    detail: summaryText,
  });
  return getJob(job.id) ?? { ...job, status, summary: summaryText };
}

/**
 * Takes the stack's lock and starts the work in the background; returns the job at once (its id is
 * what the page subscribes to). Throws OpsdeckError('conflict') naming the holder when busy.
 */
export function startJob(input: NewJob, work: JobWork): { job: Job; done: Promise<Job> } {
  const job = insertRunningJob(input);
  const controller = new AbortController();
  liveJobs.set(job.id, controller);
  ensureHeartbeat();
  // The stack's secrets are read once per job, when it starts.
  const mask = jobRedactor(job.stack);
  const started = say('jobs.started', { title: titleOf(job), who: job.startedBy ?? say('errors.theScheduler') });
  appendEvent(job.id, 'log', mask(started.text), 'info', { key: started.key, params: mapSaidParams(started.params, mask) });
  // Deferred one tick so the caller has the id before the first event lands.
  const done = new Promise<Job>((resolve) => setImmediate(() => resolve(execute(job, controller, work, mask))));
  return { job, done };
}

/** Same as startJob, awaited: for the scheduler, scripts and tests. */
export async function runJob(input: NewJob, work: JobWork): Promise<Job> {
  return startJob(input, work).done;
}
