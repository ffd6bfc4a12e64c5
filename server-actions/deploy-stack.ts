'use server';

import { deployStack as deploy } from '@/lib/deploy/deploy';
import { say } from '@/lib/i18n/server-text';
import { startJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { stackInput } from './deploy-schemas';

export const deployStack = defineAction({
  name: 'stack.deploy',
  role: 'admin',
  schema: stackInput,
  describe: (i) => ({ stack: i.stack }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const { job } = startJob({ stack: stack.name, kind: 'deploy', title: say('jobs.title.deploy', { stack: stack.name }), startedBy: user.username }, (ctx) => deploy(stack, ctx));
    return { data: { jobId: job.id }, message: say('done.deployStarted', { id: job.id }) };
  },
});
