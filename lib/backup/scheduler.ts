/**
 * Scheduled backups. A tick every 30 s (and one at start) runs each stack whose next run time has
 * passed. The next run is counted from the last run, so runs missed while Opsdeck was down collapse
 * into one run at start. A run only starts if it can take the stack's lock: two runs never overlap,
 * and a run that finds the stack busy is simply tried again at the next tick.
 */
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { notify } from '@/lib/notify';
import { getStack } from '@/lib/stacks';
import { startBackupJob } from './backup-jobs';
import { listBackupSettings, markScheduledRun, nextScheduledRun } from './settings';
import { say } from '@/lib/i18n/server-text';

/** Later than this after its time, a run counts as missed (the tick runs every 30 s). */
const MISSED_AFTER_MS = 5 * 60_000;

export interface TickResult {
  started: { stack: string; jobId: string }[];
  busy: string[];
}

const missedHolder = globalThis as typeof globalThis & { __opsdeckMissedNotified?: Map<string, string> };
/** Per stack, the due time last reported missed: one message per missed run, however many ticks it stays late. */
const missedNotified = (missedHolder.__opsdeckMissedNotified ??= new Map<string, string>());

function reportMissed(stack: string, due: Date, now: Date, outcome: string): void {
  if (now.getTime() - due.getTime() <= MISSED_AFTER_MS || missedNotified.get(stack) === due.toISOString()) return;
  missedNotified.set(stack, due.toISOString());
  notify(stack, 'backup.missed', {
    title: say('notify.backupMissed', { stack }),
    text: say('notify.backupMissedText', { due: due.toISOString(), outcome }),
  });
}

export function runDueBackups(now: Date = new Date()): TickResult {
  const result: TickResult = { started: [], busy: [] };
  for (const s of listBackupSettings()) {
    let next: Date | null;
    try {
      next = nextScheduledRun(s);
    } catch {
      continue; // A schedule that never fires.
    }
    if (!next || next.getTime() > now.getTime()) continue;
    try {
      const stack = getStack(s.stack);
      const { job } = startBackupJob(stack, { by: null, reason: 'scheduled', testRestore: s.testRestore });
      markScheduledRun(s.stack, now);
      reportMissed(s.stack, next, now, `it is running now as job #${job.id} (Opsdeck was down or the stack was busy).`);
      result.started.push({ stack: s.stack, jobId: job.id });
    } catch (e) {
      if (isOpsdeckError(e) && e.code === 'not_found') continue; // Stack removed from the config.
      // Still late and not started: say so once now, not only when (if ever) it finally starts.
      const why = userMessageOf(e); // safe for a chat message, unlike a raw error
      if (isOpsdeckError(e) && e.code === 'conflict') {
        result.busy.push(s.stack);
        reportMissed(s.stack, next, now, `the stack is busy with another job (${why}); it is retried every 30 s.`);
      } else {
        console.error(`[opsdeck] scheduled backup of ${s.stack} could not start:`, e instanceof Error ? e.message : e);
        reportMissed(s.stack, next, now, `it could not start: ${why}`);
      }
    }
  }
  return result;
}

const holder = globalThis as typeof globalThis & { __opsdeckBackupScheduler?: NodeJS.Timeout };

export function startBackupScheduler(everyMs = 30_000): void {
  if (holder.__opsdeckBackupScheduler) return;
  const tick = () => {
    try {
      runDueBackups();
    } catch (e) {
      console.error('[opsdeck] backup scheduler tick failed:', e);
    }
  };
  tick();
  holder.__opsdeckBackupScheduler = setInterval(tick, everyMs);
  holder.__opsdeckBackupScheduler.unref();
}

export function stopBackupScheduler(): void {
  if (holder.__opsdeckBackupScheduler) clearInterval(holder.__opsdeckBackupScheduler);
  holder.__opsdeckBackupScheduler = undefined;
}
