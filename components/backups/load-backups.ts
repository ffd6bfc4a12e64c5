import 'server-only';
import {
  getBackupSettings, listBackups, listKeptDatabases, looseFiles, nextScheduledRun, pgTools,
  type BackupEntry, type BackupSettings, type KeptDatabase, type LooseFile,
} from '@/lib/backup';
import { userMessageOf } from '@/lib/errors';
import { getJob, listJobs, runningJob, type Job } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';

export const BACKUP_JOB_KINDS = ['backup', 'restore', 'undo-restore', 'drop-database', 'import'];

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

export async function loadBackups(stack: Stack, wantedJob: string | null): Promise<BackupsData> {
  let entries: BackupEntry[] = [];
  let loose: LooseFile[] = [];
  let folderError: string | null = null;
  try {
    entries = listBackups(stack);
    loose = looseFiles(stack);
  } catch (e) {
    folderError = `The backup folder ${stack.backupDir} cannot be read: ${e instanceof Error ? e.message : String(e)}`;
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
  const jobs = listJobs(stack.name, { kinds: BACKUP_JOB_KINDS, limit: 10 });
  const asked = wantedJob && /^\d{1,12}$/.test(wantedJob) ? getJob(wantedJob) : null;
  const running = runningJob(stack.name);
  const current = (asked && asked.stack === stack.name ? asked : null) ?? running ?? jobs[0] ?? null;
  return { entries, loose, kept, keptError, settings, next, jobs, current, folderError };
}
