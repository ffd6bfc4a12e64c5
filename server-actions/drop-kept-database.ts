'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { startDropKeptJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { keptDatabaseInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

/** Drops a database kept by an earlier restore (admin). Only names in the kept list are accepted. */
export const dropKeptDatabase = defineAction({
  name: 'backups.drop-kept',
  role: ACTION_ROLE.restore,
  schema: keptDatabaseInput,
  describe: (i) => ({ stack: i.stack, target: i.database }),
  run: async (i, ctx) => {
    const { job, done } = startDropKeptJob(getStack(i.stack), i.database, ctx.user.username);
    const ended = await done;
    revalidatePath(`/stacks/${i.stack}/backups`);
    if (ended.status !== 'succeeded') return { data: { jobId: job.id }, message: ended.summary === null ? say('done.failed') : ended.summarySaid ? { ...ended.summarySaid, text: ended.summary } : ended.summary };
    return { data: { jobId: job.id }, message: say('done.dropped', { database: i.database }) };
  },
});
