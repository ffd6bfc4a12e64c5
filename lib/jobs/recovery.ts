/**
 * After a crash or restart: jobs still marked running whose process is gone are interrupted. Their
 * recovery notes say what to undo (a temp file to delete, a half-made database to drop, an app to
 * start again); each note kind has a handler, supplied by the feature that writes it.
 */
import fs from 'node:fs';
import { say } from '@/lib/i18n/server-text';
import { isSaid, mapSaidParams, type Said } from '@/lib/i18n/said';
import { deleteNote, appendEvent, finishJob, notesOf, runningJobsWithOwners, type OwnedJobRow } from './job-store';
import { ownerIsGone } from './owner';
import { jobRedactor } from './masking';
import type { LogLevel } from './types';

export interface RecoveryInput {
  jobId: string;
  stack: string;
  kind: string;
  value: unknown;
  /** Plain text, or keyed text (say(…)) that each reader sees in their language. */
  log: (text: string | Said, level?: LogLevel) => void;
}

export type RecoveryHandler = (input: RecoveryInput) => Promise<void>;

/** Notes every job can write without a feature-specific handler. */
export const BUILTIN_RECOVERY: Record<string, RecoveryHandler> = {
  // value: absolute path of a temp file the job was writing.
  'temp-file': async ({ value, log }) => {
    if (typeof value !== 'string') return;
    if (fs.existsSync(value)) {
      fs.rmSync(value, { force: true });
      log(say('log.recovery.removedFile', { file: value }));
    }
  },
};

const HANDLER_TIMEOUT_MS = 120_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function recoverOne(job: OwnedJobRow, handlers: Record<string, RecoveryHandler>): Promise<void> {
  // Cleanup handlers report raw error text; it lands in a log every viewer can read.
  const mask = jobRedactor(job.stack);
  const log = (text: string | Said, level: LogLevel = 'info') => {
    if (!isSaid(text)) return void appendEvent(job.id, 'log', mask(text), level);
    appendEvent(job.id, 'log', mask(text.text), level, { key: text.key, ...(text.params ? { params: mapSaidParams(text.params, mask) } : {}) });
  };
  log(say('log.recovery.stopped'), 'warn');
  // Newest note first: undo in the reverse order things were done.
  const notes = notesOf(job.id).reverse();
  let problems = 0;
  for (const note of notes) {
    const handler = handlers[note.key] ?? BUILTIN_RECOVERY[note.key.split(':')[0]] ?? handlers[note.key.split(':')[0]];
    if (!handler) {
      log(say('log.recovery.noHandler', { note: note.key }), 'warn');
      continue;
    }
    try {
      await withTimeout(handler({ jobId: job.id, stack: job.stack, kind: job.kind, value: note.value, log }), HANDLER_TIMEOUT_MS, `cleanup "${note.key}"`);
      deleteNote(job.id, note.key);
    } catch (e) {
      problems++;
      log(say('log.recovery.cleanupFailed', { note: note.key, error: e instanceof Error ? e.message : String(e) }), 'error');
    }
  }
  const summary = problems ? say('jobs.summary.interruptedProblems', { count: String(problems) }) : say('jobs.summary.interrupted');
  finishJob(job.id, 'interrupted', summary);
  appendEvent(job.id, 'end', summary.text, problems ? 'error' : 'warn', { status: 'interrupted' });
}

/**
 * Marks every job whose process is gone as interrupted, after running its cleanup. Returns the ids
 * handled. Safe to call repeatedly and from several processes (each job is finished only once).
 */
export async function recoverInterruptedJobs(handlers: Record<string, RecoveryHandler> = {}): Promise<string[]> {
  const done: string[] = [];
  for (const job of runningJobsWithOwners()) {
    if (!ownerIsGone(job)) continue;
    try {
      await recoverOne(job, handlers);
    } catch (e) {
      console.error(`[opsdeck] recovering job ${job.id} failed:`, e);
      finishJob(job.id, 'interrupted', say('jobs.summary.interruptedNoCleanup'));
    }
    done.push(job.id);
  }
  return done;
}

const timer = globalThis as typeof globalThis & { __opsdeckRecovery?: NodeJS.Timeout };

/** Re-checks now and then, for jobs of another Opsdeck process that died while this one runs. */
export function startRecoverySweep(handlers: Record<string, RecoveryHandler>, everyMs = 60_000): void {
  if (timer.__opsdeckRecovery) return;
  timer.__opsdeckRecovery = setInterval(() => {
    recoverInterruptedJobs(handlers).catch((e) => console.error('[opsdeck] job recovery sweep failed:', e));
  }, everyMs);
  timer.__opsdeckRecovery.unref();
}
