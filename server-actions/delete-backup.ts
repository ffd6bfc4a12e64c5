'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { deleteBackupFiles } from '@/lib/backup';
import { OpsdeckError } from '@/lib/errors';
import { busyMessage, runningJob } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { backupRefInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

/** Deletes a backup (admin); refused while a job runs on the stack (it may be reading that file). */
export const deleteBackup = defineAction({
  name: 'backups.delete',
  role: ACTION_ROLE.restore,
  schema: backupRefInput,
  describe: (i) => ({ stack: i.stack, target: i.backupId }),
  run: async (i) => {
    const stack = getStack(i.stack);
    const busy = runningJob(stack.name);
    if (busy) throw new OpsdeckError('conflict', busyMessage(stack.name, busy));
    const entry = deleteBackupFiles(stack, i.backupId);
    revalidatePath(`/stacks/${i.stack}/backups`);
    return { data: { id: entry.id }, message: say('done.backupDeleted', { id: entry.id }) };
  },
});
