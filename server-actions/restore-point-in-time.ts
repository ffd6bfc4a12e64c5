'use server';

import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { confirmOwnPassword } from '@/lib/auth/reauth';
import { readPreview, startPreviewRestoreJob } from '@/lib/pitr';
import { getStack } from '@/lib/stacks';
import { pointRestoreInput } from './pitr-schemas';
import { defineAction } from './define-action';

/**
 * Second half of "Restore to this moment" (admin): the previewed moment replaces the live database
 * the safe way (scratch, check, swap, health gate, swap back, kept for undo), after the stack's
 * name is typed and the password re-entered, as for any restore.
 */
export const restorePointInTime = defineAction({
  name: 'pitr.restore',
  role: ACTION_ROLE.restore,
  schema: pointRestoreInput,
  describe: (i) => ({ stack: i.stack, target: `preview #${i.previewJob}` }),
  run: async (i, ctx) => {
    const stack = getStack(i.stack);
    await confirmOwnPassword(ctx.user.id, i.password);
    const { job } = startPreviewRestoreJob(stack, i.previewJob, ctx.user.username);
    revalidatePath(`/stacks/${i.stack}/backups`);
    const t = await getTranslations('pitr');
    return { data: { jobId: job.id }, message: t('restoreStarted', { id: job.id, target: readPreview(stack, i.previewJob)?.target ?? '' }) };
  },
});
