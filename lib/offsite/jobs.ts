/**
 * Disaster recovery as one job holding the stack's lock: fetch the set from the target (download,
 * check, decrypt, check) into the backup folder, then the same restore as for a local backup
 * (checksum, load beside the live database, swap, health gate, swap back on failure).
 * The whole set is restored: on a lost host the app's volumes (attachments) are gone with the
 * database, so a set that holds volume archives brings them back too, as a local restore of a set
 * does by default. The key is held in memory for the job only; it is never written anywhere.
 */
import { restoreDatabase, type RestoreOptions } from '@/lib/backup/restore';
import { userSaidOf } from '@/lib/errors';
import { startJob, type Job } from '@/lib/jobs';
import { notify } from '@/lib/notify';
import type { Stack } from '@/lib/stacks/types';
import { fetchRemoteSet } from './fetch-set';
import { say } from '@/lib/i18n/server-text';

export function startOffsiteRestoreJob(stack: Stack, input: { target: string; backupId: string; identity: string }, by: string, opts: RestoreOptions = {}): { job: Job; done: Promise<Job> } {
  const title = say('jobs.title.offsiteRestore', { backup: input.backupId, target: input.target });
  return startJob({ stack: stack.name, kind: 'restore', title, target: input.backupId, startedBy: by }, async (ctx) => {
    try {
      const entry = await fetchRemoteSet(stack, input.target, input.backupId, input.identity, ctx);
      const parts = opts.parts ?? (entry.manifest.volumes?.length ? 'both' : 'database');
      const r = await restoreDatabase(stack, entry.id, ctx, { ...opts, parts });
      const volumes = r.keptVolumes.length ? say('jobs.summary.offsiteVolumes', { volumes: r.keptVolumes.join(', ') }) : '';
      const summary = say('jobs.summary.offsiteRestore', { id: r.backup.id, volumes, target: input.target, kept: String(r.keptAs) });
      notify(stack.name, 'restore.finished', { title: say('notify.offsiteRestoreFinished', { backup: input.backupId, target: input.target, stack: stack.name }), text: say('notify.startedBy', { text: summary, by }), severity: 'info' });
      return summary;
    } catch (e) {
      notify(stack.name, 'restore.finished', { title: say('notify.offsiteRestoreFailed', { backup: input.backupId, target: input.target, stack: stack.name }), text: say('notify.startedBy', { text: userSaidOf(e), by }), severity: 'critical' });
      throw e;
    }
  });
}
