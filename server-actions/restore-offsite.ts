'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { confirmOwnPassword } from '@/lib/auth/reauth';
import { startOffsiteRestoreJob } from '@/lib/offsite';
import { getStack } from '@/lib/stacks';
import { defineAction } from './define-action';
import { restoreOffsiteInput } from './offsite-schemas';
import { say } from '@/lib/i18n/server-text';

/**
 * Disaster recovery (admin): fetch a set from an offsite target, decrypt it with the key pasted
 * in the dialog, check it, and restore it through the same path as a local backup. The same
 * confirmations as a local restore: the stack's name typed and the admin's password.
 */
export const restoreOffsite = defineAction({
  name: 'backups.restore-offsite',
  role: ACTION_ROLE.restore,
  schema: restoreOffsiteInput,
  // Never the key: only which set from which target.
  describe: (i) => ({ stack: i.stack, target: `${i.target}:${i.backupId}` }),
  run: async (i, ctx) => {
    // A confirmation by the signed-in admin, not a sign-in: strangers' guesses cannot block it.
    await confirmOwnPassword(ctx.user.id, i.password);
    const { job } = startOffsiteRestoreJob(getStack(i.stack), { target: i.target, backupId: i.backupId, identity: i.identity }, ctx.user.username);
    revalidatePath(`/stacks/${i.stack}/backups`);
    return { data: { jobId: job.id }, message: say('done.restoreOffsiteStarted', { id: job.id, target: i.target }) };
  },
});
