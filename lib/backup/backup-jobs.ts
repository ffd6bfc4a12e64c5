/**
 * The backup feature's jobs, each holding the stack's lock: backup (+ retention), restore, undo
 * restore, drop a kept database. Server actions and the scheduler start them here; the upgrade
 * feature calls takeBackup / restoreDatabase inside its own job instead.
 */
import { recordAudit } from '@/lib/audit';
import { userSaidOf } from '@/lib/errors';
import { notify, openProblem, resolveProblem } from '@/lib/notify';
import { startJob, type Job, type JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { deleteBackupFiles, listBackups } from './catalogue';
import { formatBytes } from './failure';
import { hasPolicy, planRetention } from './retention';
import { dropKeptDatabase, restoreDatabase, undoRestore, type RestoreOptions } from './restore';
import { getBackupSettings } from './settings';
import { takeBackup } from './take-backup';
import { adoptDumpFile, importDirectory } from './import';
import { backupSummary, importDirSummary, restoreSummary } from './job-summaries';
import fs from 'node:fs';
import { say } from '@/lib/i18n/server-text';

/** Applies the stack's retention policy; every deletion is audited. Returns the ids deleted. */
export function applyRetention(stack: Stack, ctx: Pick<JobContext, 'emit' | 'user' | 'id'>, now: Date = new Date()): string[] {
  const { retention } = getBackupSettings(stack.name);
  if (!hasPolicy(retention)) return [];
  const { remove } = planRetention(listBackups(stack), retention, now);
  const deleted: string[] = [];
  for (const entry of remove) {
    try {
      deleteBackupFiles(stack, entry.id);
      deleted.push(entry.id);
      ctx.emit({ type: 'log', ...say('log.backup.retentionDeleted', { id: entry.id, size: formatBytes(entry.manifest.size) }) });
      recordAudit({ actor: ctx.user ?? 'scheduler', role: null, ip: null, action: 'backup.retention-delete', stack: stack.name, target: entry.id, result: 'ok', detail: `retention policy, job #${ctx.id}` });
    } catch (e) {
      ctx.emit({ type: 'log', level: 'warn', ...say('log.backup.retentionFailed', { id: entry.id, error: (e as Error).message }) });
      recordAudit({ actor: ctx.user ?? 'scheduler', role: null, ip: null, action: 'backup.retention-delete', stack: stack.name, target: entry.id, result: 'error', detail: (e as Error).message });
    }
  }
  return deleted;
}

export function startBackupJob(stack: Stack, opts: { by: string | null; reason?: 'manual' | 'scheduled'; testRestore?: boolean }): { job: Job; done: Promise<Job> } {
  const reason = opts.reason ?? 'manual';
  return startJob({ stack: stack.name, kind: 'backup', title: reason === 'scheduled' ? say('jobs.title.scheduledBackup') : say('jobs.title.backup'), startedBy: opts.by }, async (ctx) => {
    let entry;
    try {
      entry = await takeBackup(stack, { reason, testRestore: opts.testRestore }, ctx);
    } catch (e) {
      const failed = { title: reason === 'scheduled' ? say('notify.scheduledBackupFailed', { stack: stack.name }) : say('notify.backupFailed', { stack: stack.name }), text: userSaidOf(e), severity: 'critical' as const };
      notify(stack.name, 'backup.failed', failed);
      // Remembered so the next good backup can say "backups work again" with how long they did not.
      openProblem(stack.name, 'backup', 'backup.failed', failed, { alreadySent: true });
      throw e;
    }
    resolveProblem(stack.name, 'backup', 'backup.recovered', (downFor) => say('notify.backupsRecovered', { stack: stack.name, downFor }));
    const deleted = applyRetention(stack, ctx);
    // Never fails the backup: a target that is down is logged, recorded and notified.
    // The S3 client and age are loaded only for stacks with offsite targets (about 30 MB of RSS).
    const offsite = stack.offsite?.length ? await (await import('@/lib/offsite/sync')).copyOffsite(stack, ctx) : null;
    return backupSummary(entry.id, entry.manifest.size, deleted.length, offsite && { copied: offsite.copied.length, failed: offsite.failed.length });
  });
}

export function startRestoreJob(stack: Stack, backupId: string, by: string, opts: RestoreOptions = {}): { job: Job; done: Promise<Job> } {
  return startJob({ stack: stack.name, kind: 'restore', title: say('jobs.title.restore', { backup: backupId }), target: backupId, startedBy: by }, async (ctx) => {
    try {
      const r = await restoreDatabase(stack, backupId, ctx, opts);
      const summary = restoreSummary(r.backup.id, opts.parts, r.keptAs, r.keptVolumes);
      notify(stack.name, 'restore.finished', { title: say('notify.restoreFinished', { backup: backupId, stack: stack.name }), text: say('notify.startedBy', { text: summary, by }), severity: 'info' });
      return summary;
    } catch (e) {
      notify(stack.name, 'restore.finished', { title: say('notify.restoreFailed', { backup: backupId, stack: stack.name }), text: say('notify.startedBy', { text: userSaidOf(e), by }), severity: 'critical' });
      throw e;
    }
  });
}

export function startUndoRestoreJob(stack: Stack, kept: string, by: string, opts: { healthTimeoutMs?: number } = {}): { job: Job; done: Promise<Job> } {
  return startJob({ stack: stack.name, kind: 'undo-restore', title: say('jobs.title.undoRestore', { kept }), target: kept, startedBy: by }, async (ctx) => {
    const r = await undoRestore(stack, kept, ctx, opts);
    return say('jobs.summary.undoRestore', { kept, replaced: r.keptAs });
  });
}

export function startDropKeptJob(stack: Stack, name: string, by: string): { job: Job; done: Promise<Job> } {
  return startJob({ stack: stack.name, kind: 'drop-database', title: say('jobs.title.dropKept', { name }), target: name, startedBy: by }, async (ctx) => {
    await dropKeptDatabase(stack, name, ctx);
    return say('jobs.summary.dropKept', { name });
  });
}

/** Imports an uploaded file (already streamed to a temp file in the backup folder by the route). */
export function startImportUploadJob(stack: Stack, upload: { tempPath: string; originalName: string }, by: string): { job: Job; done: Promise<Job> } {
  return startJob({ stack: stack.name, kind: 'import', title: say('jobs.title.importUpload'), target: upload.originalName, startedBy: by }, async (ctx) => {
    try {
      const entry = await adoptDumpFile(stack, upload.tempPath, { originalName: upload.originalName, move: true }, ctx);
      return say('jobs.summary.importUpload', { file: upload.originalName, id: entry.id });
    } finally {
      fs.rmSync(upload.tempPath, { force: true });
    }
  });
}

export function startImportDirectoryJob(stack: Stack, dir: string, by: string): { job: Job; done: Promise<Job> } {
  return startJob({ stack: stack.name, kind: 'import', title: say('jobs.title.importDir', { dir }), target: dir, startedBy: by }, async (ctx) => {
    const r = await importDirectory(stack, dir, ctx);
    return importDirSummary(r.imported.length, dir, r.failed.length);
  });
}
