'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { confirmOwnPassword } from '@/lib/auth/reauth';
import { startRestoreJob } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { restoreBackupInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';

/**
 * Restores a backup over the live database (admin), after the stack's name is typed and the
 * password re-entered: a signed-in session left open is not enough to replace a database.
 */
export const restoreBackup = defineAction({
  name: 'backups.restore',
  role: ACTION_ROLE.restore,
  schema: restoreBackupInput,
  describe: (i) => ({ stack: i.stack, target: i.backupId }),
  run: async (i, ctx) => {
    // A confirmation by the signed-in admin, not a sign-in: strangers' guesses cannot block it.
    await confirmOwnPassword(ctx.user.id, i.password);
    const { job } = startRestoreJob(getStack(i.stack), i.backupId, ctx.user.username, { parts: i.parts });
    revalidatePath(`/stacks/${i.stack}/backups`);
    return { data: { jobId: job.id }, message: say('done.restoreStarted', { id: job.id }) };
  },
});
