'use server';

import { upgradeApp as upgrade } from '@/lib/deploy/upgrade';
import { say } from '@/lib/i18n/server-text';
import { startJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { upgradeInput } from './deploy-schemas';

export const upgradeApp = defineAction({
  name: 'stack.upgrade',
  role: 'admin',
  schema: upgradeInput,
  describe: (i) => ({ stack: i.stack, target: i.targetTag }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const { job } = startJob({ stack: stack.name, kind: 'upgrade', title: say('jobs.title.upgrade', { stack: stack.name, tag: i.targetTag }), target: i.targetTag, startedBy: user.username }, (ctx) =>
      upgrade(stack, { targetTag: i.targetTag, runMigrations: i.runMigrations }, ctx),
    );
    return { data: { jobId: job.id }, message: say('done.upgradeStarted', { id: job.id }) };
  },
});
