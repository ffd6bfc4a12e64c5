'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { startBackupJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { createBackupInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

/** Takes a backup now (operator): starts the job and returns its id; the page streams its log. */
export const createBackup = defineAction({
  name: 'backups.create',
  role: ACTION_ROLE.backup,
  schema: createBackupInput,
  describe: (i) => ({ stack: i.stack, target: i.testRestore ? 'with test restore' : undefined }),
  run: async (i, ctx) => {
    const { job } = startBackupJob(getStack(i.stack), { by: ctx.user.username, testRestore: i.testRestore });
    revalidatePath(`/stacks/${i.stack}/backups`);
    return { data: { jobId: job.id }, message: say('done.backupStarted', { id: job.id }) };
  },
});
