/**
 * Child process of the Swarm kill test (tests/integration/swarm-recovery.test.ts): runs one upgrade
 * or "Roll back" of the Swarm stack named in its environment, against the data dir given there, and
 * waits; the parent SIGKILLs it in the middle of the rolling update or the restore.
 */
import path from 'node:path';
import { it } from 'vitest';
import { rollbackLastUpgrade, upgradeApp } from '@/lib/deploy/upgrade';
import { startJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { openDb } from '@/lib/store/db';

it('runs a Swarm job until it is killed', async () => {
  openDb(path.join(process.env.OPSDECK_DATA_DIR!, 'opsdeck.db'));
  const stack = getStack(process.env.CHILD_STACK!);
  const timing = { healthTimeoutMs: 300_000, monitorMs: Number(process.env.CHILD_MONITOR_MS ?? 2000) };
  const started = process.env.CHILD_JOB === 'rollback'
    ? startJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'child' }, (ctx) => rollbackLastUpgrade(stack, ctx, timing))
    : startJob({ stack: stack.name, kind: 'upgrade', title: `Upgrade to ${process.env.CHILD_TAG}`, startedBy: 'child' }, (ctx) =>
      upgradeApp(stack, { targetTag: process.env.CHILD_TAG!, runMigrations: true, ...timing }, ctx));
  console.log(`child job ${started.job.id} pid ${process.pid}`);
  const done = await started.done;
  console.log(`child job ${done.id} ended: ${done.status}: ${done.summary ?? ''}`);
});
