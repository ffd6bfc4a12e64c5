'use server';

import { revalidatePath } from 'next/cache';
import { ACTION_ROLE } from '@/lib/auth/roles';
import { nextScheduledRun, saveBackupSettings } from '@/lib/backup';
import { getStack } from '@/lib/stacks';
import { scheduleInput } from './backup-schemas';
import { defineAction } from './define-action';

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
    return { data: { next: next?.toISOString() ?? null }, message: next ? `Saved. Next backup at ${next.toLocaleString('en-GB', { hour12: false })} (server time).` : 'Saved. No scheduled backups.' };
  },
});
