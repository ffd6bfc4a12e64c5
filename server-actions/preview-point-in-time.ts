'use server';

import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { refuseTarget, startPointPreviewJob } from '@/lib/pitr';
import { getStack } from '@/lib/stacks';
import { pointTargetInput, targetOf } from './pitr-schemas';
import { defineAction } from './define-action';

/**
 * First half of "Restore to this moment" (admin): the moment is checked against the recoverable
 * window (future, outside, in a gap: refused, no job), then rebuilt in a throwaway container and
 * previewed. Nothing live changes; the restore is a second, password-confirmed step.
 */
export const previewPointInTime = defineAction({
  name: 'pitr.preview',
  role: ACTION_ROLE.restore,
  schema: pointTargetInput,
  describe: (i) => ({ stack: i.stack, target: i.mode === 'ago' ? `${i.minutesAgo} minutes ago` : `${i.at} UTC` }),
  run: async (i, ctx) => {
    const stack = getStack(i.stack);
    const target = targetOf(i);
    await refuseTarget(stack, target);
    const { job } = startPointPreviewJob(stack, target, ctx.user.username);
    revalidatePath(`/stacks/${i.stack}/backups`);
    const t = await getTranslations('pitr');
    return { data: { jobId: job.id, target: target.toISOString() }, message: t('previewStarted', { id: job.id, target: target.toISOString() }) };
  },
});
