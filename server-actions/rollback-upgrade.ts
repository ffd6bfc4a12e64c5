'use server';

import { rollbackLastUpgrade } from '@/lib/deploy/upgrade';
import { say } from '@/lib/i18n/server-text';
import { startJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { stackInput } from './deploy-schemas';

export const rollbackUpgrade = defineAction({
  name: 'stack.rollback',
  role: 'admin',
  schema: stackInput,
  describe: (i) => ({ stack: i.stack }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const { job } = startJob({ stack: stack.name, kind: 'rollback', title: say('jobs.title.rollback', { stack: stack.name }), startedBy: user.username }, (ctx) => rollbackLastUpgrade(stack, ctx));
    return { data: { jobId: job.id }, message: say('done.rollbackStarted', { id: job.id }) };
  },
});
