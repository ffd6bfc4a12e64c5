'use server';

import { stackLifecycle as lifecycle } from '@/lib/deploy/deploy';
import { startJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { lifecycleInput } from './deploy-schemas';

export const stackLifecycle = defineAction({
  name: 'stack.lifecycle',
  role: 'operator',
  schema: lifecycleInput,
  describe: (i) => ({ stack: i.stack, target: i.action }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const { job } = startJob({ stack: stack.name, kind: i.action, title: `${i.action[0].toUpperCase()}${i.action.slice(1)} ${stack.name}`, startedBy: user.username }, (ctx) => lifecycle(stack, i.action, ctx));
    return { data: { jobId: job.id }, message: `${i.action} started (job #${job.id}).` };
  },
});
