/**
 * "Take a base backup now" (admin): one verified pg_basebackup into the current epoch, as a job of
 * the stack, so a moment just after it can be restored with little WAL to replay.
 */
import { OpsdeckError } from '@/lib/errors';
import { startJob, type Job } from '@/lib/jobs';
import { pgTools } from '@/lib/postgres/tools';
import type { Stack } from '@/lib/stacks/types';
import { takeBaseBackup } from './base-backup';
import { currentEpoch, readState } from './layout';
import { say } from '@/lib/i18n/server-text';

export function startBaseBackupJob(stack: Stack, by: string): { job: Job; done: Promise<Job> } {
  if (!stack.pitr?.enabled) throw new OpsdeckError('conflict', say('errors.pitr.off', { stack: stack.name }));
  const epoch = currentEpoch(readState(stack));
  if (!epoch) throw new OpsdeckError('conflict', say('errors.pitr.notStarted'));
  return startJob({ stack: stack.name, kind: 'pitr-base-backup', title: say('jobs.title.baseBackup'), target: epoch.id, startedBy: by }, async (ctx) => {
    ctx.emit({ type: 'step', name: 'pitr.base-backup', ...say('steps.pitr.baseBackup') });
    const b = await takeBaseBackup(stack, pgTools(stack), epoch.id, ctx.signal);
    return say('jobs.summary.baseBackup', { id: b.id, size: (b.sizeBytes / 1048576).toFixed(1), from: b.finishedAt });
  });
}
