'use server';

import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { startBaseBackupJob } from '@/lib/pitr';
import { getStack } from '@/lib/stacks';
import { baseBackupInput } from './pitr-schemas';
import { defineAction } from './define-action';

/** Takes a base backup for point-in-time restore now (admin), as a job whose log the page shows. */
export const takeBaseBackup = defineAction({
  name: 'pitr.base-backup',
  role: ACTION_ROLE.restore,
  schema: baseBackupInput,
  describe: (i) => ({ stack: i.stack }),
  run: async (i, ctx) => {
    const { job } = startBaseBackupJob(getStack(i.stack), ctx.user.username);
    revalidatePath(`/stacks/${i.stack}/backups`);
    const t = await getTranslations('pitr');
    return { data: { jobId: job.id }, message: t('baseBackupStarted', { id: job.id }) };
  },
});
