/**
 * Child process of the kill tests: starts one backup or restore job against the stack and data
 * dir given in its environment and waits; the parent test kills it with SIGKILL mid-way.
 */
import path from 'node:path';
import { it } from 'vitest';
import { startBackupJob, startRestoreJob } from '@/lib/backup';
import { startPointRestoreJob } from '@/lib/pitr';
import { getStack } from '@/lib/stacks';
import { openDb } from '@/lib/store/db';

it('runs a job until it is killed', async () => {
  openDb(path.join(process.env.OPSDECK_DATA_DIR!, 'opsdeck.db'));
  const stack = getStack('demo');
  const started = process.env.CHILD_JOB === 'pitr-restore'
    ? startPointRestoreJob(stack, new Date(process.env.CHILD_TARGET!), 'child', { healthTimeoutMs: 120_000 })
    : process.env.CHILD_JOB === 'restore'
    ? startRestoreJob(stack, process.env.CHILD_BACKUP_ID!, 'child', { healthTimeoutMs: 120_000 })
    : startBackupJob(stack, { by: 'child' });
  console.log(`child job ${started.job.id} pid ${process.pid}`);
  // The parent reads this when the child ends before it is killed: how its job ended, in its words.
  const done = await started.done;
  console.log(`child job ${done.id} ended: ${done.status}: ${done.summary ?? ''}`);
});
