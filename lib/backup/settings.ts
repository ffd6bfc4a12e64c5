/**
 * Per-stack backup settings in the store: the schedule (cron), retention and whether each
 * scheduled backup is test-restored. Kept in Opsdeck's store rather than opsdeck.yaml so an admin
 * can change them from the page; they survive restarts like everything else there.
 */
import { z } from 'zod';
import { getDb } from '@/lib/store/db';
import { CronError, nextRun, parseCron } from './cron';
import type { RetentionPolicy } from './retention';

export interface BackupSettings {
  stack: string;
  cron: string | null;
  retention: RetentionPolicy;
  testRestore: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
  lastRunAt: string | null;
}

interface Row {
  stack: string;
  cron: string | null;
  keep_last: number | null;
  keep_daily: number | null;
  keep_weekly: number | null;
  test_restore: number;
  updated_by: string | null;
  updated_at: string;
  last_run_at: string | null;
}

const blankToNull = (v: unknown) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v);
const keepCount = z.preprocess(blankToNull, z.coerce.number().int({ error: 'Must be a whole number.' }).min(1, { error: 'At least 1, or leave empty.' }).max(10_000).nullable());

export const settingsInputSchema = z.object({
  cron: z.preprocess(blankToNull, z.string().trim().max(100).nullable()).superRefine((v, ctx) => {
    if (v === null) return;
    try {
      parseCron(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof CronError ? `Schedule: ${e.message}.` : 'Not a valid schedule.' });
    }
  }),
  keepLast: keepCount,
  keepDaily: keepCount,
  keepWeekly: keepCount,
  testRestore: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});
export type SettingsInput = z.output<typeof settingsInputSchema>;

const toSettings = (stack: string, r: Row | undefined): BackupSettings => ({
  stack,
  cron: r?.cron ?? null,
  retention: { keepLast: r?.keep_last ?? null, keepDaily: r?.keep_daily ?? null, keepWeekly: r?.keep_weekly ?? null },
  testRestore: (r?.test_restore ?? 0) === 1,
  updatedBy: r?.updated_by ?? null,
  updatedAt: r?.updated_at ?? null,
  lastRunAt: r?.last_run_at ?? null,
});

export function getBackupSettings(stack: string): BackupSettings {
  return toSettings(stack, getDb().prepare('SELECT * FROM backup_schedules WHERE stack = ?').get(stack) as Row | undefined);
}

export function listBackupSettings(): BackupSettings[] {
  return (getDb().prepare('SELECT * FROM backup_schedules').all() as Row[]).map((r) => toSettings(r.stack, r));
}

export function saveBackupSettings(stack: string, input: SettingsInput, by: string | null, now: Date = new Date()): BackupSettings {
  getDb()
    .prepare(
      `INSERT INTO backup_schedules (stack, cron, keep_last, keep_daily, keep_weekly, test_restore, updated_by, updated_at)
       VALUES (@stack, @cron, @keepLast, @keepDaily, @keepWeekly, @testRestore, @by, @at)
       ON CONFLICT (stack) DO UPDATE SET cron = excluded.cron, keep_last = excluded.keep_last, keep_daily = excluded.keep_daily,
         keep_weekly = excluded.keep_weekly, test_restore = excluded.test_restore, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    )
    .run({ stack, cron: input.cron, keepLast: input.keepLast, keepDaily: input.keepDaily, keepWeekly: input.keepWeekly, testRestore: input.testRestore ? 1 : 0, by, at: now.toISOString() });
  return getBackupSettings(stack);
}

export function markScheduledRun(stack: string, at: Date): void {
  getDb().prepare('UPDATE backup_schedules SET last_run_at = ? WHERE stack = ?').run(at.toISOString(), stack);
}

/**
 * When the schedule fires next, counted from its last run (or from when it was saved). A time in
 * the past means a run was missed (Opsdeck was down): it is due now, once.
 */
export function nextScheduledRun(s: BackupSettings): Date | null {
  if (!s.cron) return null;
  const base = s.lastRunAt ?? s.updatedAt;
  if (!base) return null;
  return nextRun(parseCron(s.cron), new Date(base));
}
