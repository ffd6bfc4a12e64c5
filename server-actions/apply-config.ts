'use server';

import { applyConfig as apply } from '@/lib/config-edit';
import { say } from '@/lib/i18n/server-text';
import { startJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { applyInput } from './config-schemas';
import { defineAction } from './define-action';

export const applyConfig = defineAction({
  name: 'config.apply',
  role: 'admin',
  schema: applyInput,
  describe: (i) => ({ stack: i.stack, target: `${i.kind} ${i.sha.slice(0, 12)}` }),
  run: async (i, { user }) => {
    const stack = getStack(i.stack);
    const { job } = startJob(
      { stack: stack.name, kind: 'config-apply', title: say('jobs.title.configApply', { kind: i.kind, stack: stack.name }), target: i.sha.slice(0, 12), startedBy: user.username },
      (ctx) => apply(stack, { kind: i.kind, sha: i.sha }, ctx),
    );
    return { data: { jobId: job.id }, message: say('done.applyStarted', { id: job.id }) };
  },
});
