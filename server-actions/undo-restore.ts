'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { startUndoRestoreJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { keptDatabaseInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

/** Puts a kept database back as the live one (admin); the replaced one is kept in turn. */
export const undoRestore = defineAction({
  name: 'backups.undo-restore',
  role: ACTION_ROLE.restore,
  schema: keptDatabaseInput,
  describe: (i) => ({ stack: i.stack, target: i.database }),
  run: async (i, ctx) => {
    const { job } = startUndoRestoreJob(getStack(i.stack), i.database, ctx.user.username);
    revalidatePath(`/stacks/${i.stack}/backups`);
    return { data: { jobId: job.id }, message: say('done.undoRestoreStarted', { id: job.id }) };
  },
});
