/**
 * The offsite step after each successful backup: for every target, copy the local sets it does
 * not hold yet (the new one, and any an earlier failure or a stopped Opsdeck missed), then apply
 * the target's keep rules. It never throws: a bucket that is down is reported (job log, store,
 * notification) while the local backup stays what it is, a success.
 */
import { recordAudit } from '@/lib/audit';
import { listBackups } from '@/lib/backup/catalogue';
import { userMessageOf } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import { notify } from '@/lib/notify';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';
import type { Stack } from '@/lib/stacks/types';
import { describeTarget, explainS3, s3For } from './client';
import { recordCopy, verifiedIds } from './copies';
import { deleteRemoteSet, listRemoteSets, planRemoteRetention } from './remote';
import { uploadSet, type UploadOptions } from './upload';
import { say } from '@/lib/i18n/server-text';

export interface OffsiteResult {
  copied: string[];
  failed: { target: string; backupId: string | null; error: string }[];
  deleted: string[];
}

type Ctx = Pick<JobContext, 'emit' | 'signal' | 'id' | 'user'>;

async function syncTarget(stack: Stack, target: OffsiteTarget, ctx: Ctx, opts: UploadOptions, out: OffsiteResult): Promise<void> {
  const s3 = await s3For(stack, target);
  try {
    const have = verifiedIds(stack.name, target.name);
    const local = listBackups(stack).filter((e) => !e.problem);
    // Only what the target's rules would keep: an old set copied now would be deleted at once.
    const dropped = new Set(planRemoteRetention(local.map((e) => ({ id: e.id, finishedAt: e.manifest.finishedAt })), target.keep).map((s) => s.id));
    // Newest first: when the bucket fails part-way, the most recent state is the one already copied.
    const missing = local.filter((e) => !have.has(e.id) && !dropped.has(e.id));
    if (missing.length > 1) ctx.emit({ type: 'log', ...say('log.offsite.toCopy', { target: target.name, count: String(missing.length) }) });
    for (const entry of missing) {
      try {
        const index = await uploadSet(s3, target, entry, ctx, opts);
        const bytes = index.files.reduce((a, f) => a + f.encryptedSize, 0);
        recordCopy({ stack: stack.name, target: target.name, backupId: entry.id, status: 'verified', bytes, objects: index.files.length + 1, jobId: ctx.id });
        ctx.emit({ type: 'log', ...say('log.offsite.copied', { target: target.name, id: entry.id, count: String(index.files.length) }) });
        out.copied.push(`${target.name}:${entry.id}`);
      } catch (e) {
        const error = userMessageOf(explainS3(e, target));
        recordCopy({ stack: stack.name, target: target.name, backupId: entry.id, status: 'failed', error, jobId: ctx.id });
        out.failed.push({ target: target.name, backupId: entry.id, error });
        ctx.emit({ type: 'log', level: 'warn', ...say('log.offsite.notCopied', { target: target.name, id: entry.id, error }) });
        // The bucket is most likely down: the older missing sets would fail the same way.
        return;
      }
    }
    const remote = await listRemoteSets(s3, target, stack.name);
    for (const set of planRemoteRetention(remote, target.keep)) {
      await deleteRemoteSet(s3, target, stack.name, set.id);
      recordCopy({ stack: stack.name, target: target.name, backupId: set.id, status: 'deleted', jobId: ctx.id });
      out.deleted.push(`${target.name}:${set.id}`);
      ctx.emit({ type: 'log', ...say('log.offsite.retentionDeleted', { target: target.name, id: set.id }) });
      recordAudit({ actor: ctx.user ?? 'scheduler', role: null, ip: null, action: 'backup.offsite-retention-delete', stack: stack.name, target: `${target.name}:${set.id}`, result: 'ok', detail: `keep rules of target ${target.name}, job #${ctx.id}` });
    }
  } finally {
    s3.destroy();
  }
}

export async function copyOffsite(stack: Stack, ctx: Ctx, opts: UploadOptions = {}): Promise<OffsiteResult> {
  const out: OffsiteResult = { copied: [], failed: [], deleted: [] };
  for (const target of stack.offsite ?? []) {
    ctx.emit({ type: 'step', name: 'backup.offsite', ...say('steps.offsite.copy', { target: describeTarget(target) }) });
    const before = out.failed.length;
    try {
      await syncTarget(stack, target, ctx, opts, out);
    } catch (e) {
      const error = userMessageOf(explainS3(e, target));
      out.failed.push({ target: target.name, backupId: null, error });
      ctx.emit({ type: 'log', level: 'warn', ...say('log.offsite.failed', { target: target.name, error }) });
    }
    const failed = out.failed.slice(before);
    if (failed.length > 0) {
      notify(stack.name, 'backup.failed', {
        title: say('notify.offsiteFailed', { stack: stack.name, target: target.name }),
        text: say('notify.offsiteFailedText', { failures: failed.map((f) => `${f.backupId ?? 'target'}: ${f.error}`).join(' ') }),
        severity: 'warning',
      });
    }
  }
  return out;
}
