'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { nextScheduledRun, saveBackupSettings } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { scheduleInput } from './backup-schemas';
import { defineAction } from './define-action';
import { say } from '@/lib/i18n/server-text';
import { requestLocale } from './session';

/** Saves a stack's backup schedule and retention (admin: retention deletes backups). */
export const saveBackupSchedule = defineAction({
  name: 'backups.schedule',
  role: ACTION_ROLE.restore,
  schema: scheduleInput,
  describe: (i) => ({
    stack: i.stack,
    target: `${i.cron ?? 'no schedule'}; keep last ${i.keepLast ?? '-'}, daily ${i.keepDaily ?? '-'}, weekly ${i.keepWeekly ?? '-'}`,
  }),
  run: async ({ stack, ...settings }, ctx) => {
    getStack(stack);
    const saved = saveBackupSettings(stack, settings, ctx.user.username);
    revalidatePath(`/stacks/${stack}/backups`);
    const next = nextScheduledRun(saved);
    // The time as the reader writes times (English keeps the en-GB form it always had).
    const locale = await requestLocale();
    const when = next?.toLocaleString(locale === 'en' ? 'en-GB' : locale, { hour12: false });
    return { data: { next: next?.toISOString() ?? null }, message: when ? say('done.scheduleSaved', { when }) : say('done.scheduleNone') };
  },
});
