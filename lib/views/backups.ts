import 'server-only';
import {
  getBackupSettings, listBackups, listKeptDatabases, looseFiles, nextScheduledRun, pgTools,
  type BackupEntry, type BackupSettings, type KeptDatabase, type LooseFile,
} from '@/lib/backup';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getJob, listJobs, runningJob, type Job } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';

export const BACKUP_JOB_KINDS = ['backup', 'restore', 'undo-restore', 'drop-database', 'import', 'pitr-preview', 'pitr-base-backup'];

export interface BackupsData {
  entries: BackupEntry[];
  loose: LooseFile[];
  kept: KeptDatabase[];
  keptError: string | null;
  settings: BackupSettings;
  next: string | null;
  jobs: Job[];
  /** The job whose log is shown: the one asked for, else the running one, else the latest. */
  current: Job | null;
  folderError: string | null;
}

/** Why the backup folder cannot be listed, in words for the page; the raw error stays in the server log. */
export function folderErrorMessage(dir: string, e: unknown): string {
  if (isOpsdeckError(e)) return e.message;
  const why: Record<string, string> = {
    ENOENT: 'it does not exist',
    ENOTDIR: 'it is not a folder',
    EACCES: 'Opsdeck is not allowed to read it',
    EPERM: 'Opsdeck is not allowed to read it',
  };
  const code = (e as NodeJS.ErrnoException)?.code;
  if (!code || !why[code]) console.error(`[opsdeck] listing the backup folder ${dir}:`, e);
  return `The backup folder ${dir} cannot be read: ${(code && why[code]) ?? 'see the Opsdeck log for why'}.`;
}

export async function loadBackups(stack: Stack, wantedJob: string | null): Promise<BackupsData> {
  // Jobs first, the folder after: a job seen running makes the page refresh when it ends, and one
  // seen ended has already written what the listing below then shows (no result missed in between).
  const jobs = listJobs(stack.name, { kinds: BACKUP_JOB_KINDS, limit: 10 });
  const asked = wantedJob && /^\d{1,12}$/.test(wantedJob) ? getJob(wantedJob) : null;
  const running = runningJob(stack.name);
  const current = (asked && asked.stack === stack.name ? asked : null) ?? running ?? jobs[0] ?? null;
  let entries: BackupEntry[] = [];
  let loose: LooseFile[] = [];
  let folderError: string | null = null;
  try {
    entries = listBackups(stack);
    loose = looseFiles(stack);
  } catch (e) {
    folderError = folderErrorMessage(stack.backupDir, e);
  }
  let kept: KeptDatabase[] = [];
  let keptError: string | null = null;
  try {
    kept = await listKeptDatabases(pgTools(stack));
  } catch (e) {
    keptError = userMessageOf(e);
  }
  const settings = getBackupSettings(stack.name);
  let next: string | null = null;
  try {
    next = nextScheduledRun(settings)?.toISOString() ?? null;
  } catch {
    next = null;
  }
  return { entries, loose, kept, keptError, settings, next, jobs, current, folderError };
}
