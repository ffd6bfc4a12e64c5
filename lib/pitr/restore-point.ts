/**
 * Restore to a point in time: refuse what cannot work (future, outside the window, in a gap, older
 * than the schema the running app needs), rebuild the moment in a throwaway container (rebuild.ts),
 * then hand its dump to the restore every backup uses: scratch database, check,
 * swap with the app stopped, health gate, swap back on failure, previous database kept for undo.
 */
import { recordAudit } from '@/lib/audit';
import { deleteBackupFiles } from '@/lib/backup/catalogue';
import { pgTools } from '@/lib/postgres/tools';
import { restoreDatabase, type RestoreOptions } from '@/lib/backup/restore';
import { compareVersions, readSchemaVersion } from '@/lib/deploy/migrations';
import { OpsdeckError, userMessageOf, userSaidOf } from '@/lib/errors';
import { startJob, type Job, type JobContext } from '@/lib/jobs';
import { notify } from '@/lib/notify';
import type { Stack } from '@/lib/stacks/types';
import { slotInfo } from './archiver';
import { slotName } from './layout';
import { rebuildPoint, type PointPreview } from './rebuild';
import { markArchived } from './watch';
import { planTarget, recoveryWindow } from './window';
import { markPreviewRestored, readPreview, savePreview } from './previews';
import { say } from '@/lib/i18n/server-text';

export interface PointResult {
  preview: PointPreview;
  backupId: string;
  keptAs: string | null;
}

/** Rebuilds `target` and dumps it (nothing live changes). Refuses a schema older than the app's. */
export async function previewPoint(stack: Stack, target: Date, ctx: JobContext, opts: { timeoutMs?: number } = {}): Promise<{ preview: PointPreview; backupId: string }> {
  const now = new Date();
  if (Number.isNaN(target.getTime())) throw new OpsdeckError('invalid_input', say('errors.pitr.notATime'));
  if (target.getTime() > now.getTime()) throw new OpsdeckError('invalid_input', say('errors.pitr.future', { at: target.toISOString() }));
  const tools = pgTools(stack);
  ctx.emit({ type: 'step', name: 'pitr.window', ...say('steps.pitr.window') });
  if ((await slotInfo(tools, slotName(stack))).active) {
    // A commit after the target, archived: recovery can stop exactly at the target.
    const lsn = await markArchived(stack, tools);
    ctx.emit({ type: 'log', text: `The archive holds the server's WAL up to ${lsn}.` });
  }
  const w = await recoveryWindow(stack);
  const piece = planTarget(w, target, now);
  ctx.emit({ type: 'log', text: `Recoverable window ${w.earliest} to ${w.latest}; rebuilding from base backup ${piece.base.id} (${piece.base.finishedAt}).` });
  const r = await rebuildPoint(stack, tools, piece, w.wal[piece.epoch], target, ctx, opts);
  const live = await readSchemaVersion(stack).catch(() => null);
  if (live && (!r.preview.schemaVersion || compareVersions(r.preview.schemaVersion, live) < 0)) {
    deleteBackupFiles(stack, r.backupId);
    throw new OpsdeckError('conflict', say('errors.pitr.schemaMismatch', { at: target.toISOString(), then: r.preview.schemaVersion ?? say('errors.pitr.noSchema'), live, uses: r.preview.schemaVersion ?? say('errors.pitr.thatSchema') }));
  }
  return r;
}

export async function restoreToPoint(stack: Stack, target: Date, ctx: JobContext, opts: RestoreOptions & { timeoutMs?: number } = {}): Promise<PointResult> {
  const r = await previewPoint(stack, target, ctx, opts);
  ctx.emit({ type: 'step', name: 'pitr.restore', ...say('steps.pitr.restore', { at: target.toISOString(), backup: r.backupId }) });
  const done = await restoreDatabase(stack, r.backupId, ctx, opts);
  return { ...r, keptAs: done.keptAs };
}

export function startPointRestoreJob(stack: Stack, target: Date, by: string, opts: RestoreOptions & { timeoutMs?: number } = {}): { job: Job; done: Promise<Job> } {
  const at = target.toISOString();
  return startJob({ stack: stack.name, kind: 'restore', title: say('jobs.title.restoreTo', { at }), target: at, startedBy: by }, async (ctx) => {
    try {
      const r = await restoreToPoint(stack, target, ctx, opts);
      const summary = say('jobs.summary.pointRestore', { at, kept: String(r.keptAs) });
      recordAudit({ actor: by, role: null, ip: null, action: 'backup.restore-point', stack: stack.name, target: at, result: 'ok', detail: `job #${ctx.id}, via ${r.backupId}` });
      notify(stack.name, 'restore.finished', { title: say('notify.pointRestoreFinished', { stack: stack.name, at }), text: say('notify.startedBy', { text: summary, by }), severity: 'info' });
      return summary;
    } catch (e) {
      recordAudit({ actor: by, role: null, ip: null, action: 'backup.restore-point', stack: stack.name, target: at, result: 'error', detail: userMessageOf(e) });
      throw e;
    }
  });
}

/**
 * The refusals that need no rebuild, before any job starts: a time in the future, outside the
 * recoverable window, or in a gap of the archive. Each message ends with "Nothing was changed."
 */
export async function refuseTarget(stack: Stack, target: Date, now = new Date()): Promise<void> {
  try {
    planTarget(await recoveryWindow(stack), target, now);
  } catch (e) {
    if (e instanceof OpsdeckError) throw new OpsdeckError(e.code, say('errors.pitr.nothingChanged', { message: userSaidOf(e) }));
    throw e;
  }
}

/** Rebuilds `target` and records its preview (previews.ts) for the admin to restore or not. */
export function startPointPreviewJob(stack: Stack, target: Date, by: string): { job: Job; done: Promise<Job> } {
  const at = target.toISOString();
  return startJob({ stack: stack.name, kind: 'pitr-preview', title: say('jobs.title.preview', { at }), target: at, startedBy: by }, async (ctx) => {
    const r = await previewPoint(stack, target, ctx);
    savePreview(stack, { jobId: ctx.id, target: at, backupId: r.backupId, preview: r.preview, by, madeAt: new Date().toISOString(), restoreJob: null });
    const rows = r.preview.tables.map((t) => `${t.name}=${t.rows}`).join(', ');
    return say('jobs.summary.preview', { at, backup: r.backupId, rows });
  });
}

/** Restores a previewed moment: the preview's dump, along the path every restore takes. */
export function startPreviewRestoreJob(stack: Stack, previewJob: string, by: string, opts: RestoreOptions = {}): { job: Job; done: Promise<Job> } {
  const p = readPreview(stack, previewJob);
  if (!p) throw new OpsdeckError('not_found', say('errors.pitr.previewGone'));
  const started = startJob({ stack: stack.name, kind: 'restore', title: say('jobs.title.restoreTo', { at: p.target }), target: p.target, startedBy: by }, async (ctx) => {
    ctx.emit({ type: 'log', text: `Restoring the database as it was at ${p.target} (previewed in job #${p.jobId}, backup ${p.backupId}).` });
    try {
      const done = await restoreDatabase(stack, p.backupId, ctx, opts);
      const summary = say('jobs.summary.pointRestore', { at: p.target, kept: String(done.keptAs) });
      notify(stack.name, 'restore.finished', { title: say('notify.pointRestoreFinished', { stack: stack.name, at: p.target }), text: say('notify.startedBy', { text: summary, by }), severity: 'info' });
      return summary;
    } catch (e) {
      notify(stack.name, 'restore.finished', { title: say('notify.pointRestoreFailed', { stack: stack.name, at: p.target }), text: say('notify.startedBy', { text: userSaidOf(e), by }), severity: 'critical' });
      throw e;
    }
  });
  markPreviewRestored(stack, previewJob, started.job.id);
  return started;
}
