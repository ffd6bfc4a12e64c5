import { z } from 'zod';
import { previewJobSchema } from '@/lib/pitr/previews';
import { stackNameSchema } from './input-schemas';
import { say } from '@/lib/i18n/server-text';
import { zodIssue, zodText } from '@/lib/i18n/zod-said';

// The point-in-time forms' inputs. A moment is given as whole minutes ago or as a date and time in
// UTC (the page shows every time in UTC); lib/pitr refuses what cannot be rebuilt.
const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const TEN_YEARS_MIN = 60 * 24 * 3650;

export const baseBackupInput = z.object({ stack: stackNameSchema });

export const pointTargetInput = z
  .object({
    stack: stackNameSchema,
    mode: z.enum(['ago', 'at'], { error: zodText(say('errors.form.pitrMode')) }),
    minutesAgo: z.preprocess(blank, z.coerce.number({ error: zodText(say('errors.form.minutesNumber')) }).int(zodText(say('errors.form.minutesWhole'))).min(1, zodText(say('errors.form.minutesMin'))).max(TEN_YEARS_MIN, zodText(say('errors.form.tooFarBack'))).optional()),
    at: z.preprocess(blank, z.string().trim().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, zodText(say('errors.form.dateTime'))).optional()),
  })
  .superRefine((i, ctx) => {
    if (i.mode === 'ago' && i.minutesAgo === undefined) ctx.addIssue({ code: 'custom', path: ['minutesAgo'], ...zodIssue(say('errors.form.howManyMinutes')) });
    if (i.mode === 'at' && i.at === undefined) ctx.addIssue({ code: 'custom', path: ['at'], ...zodIssue(say('errors.form.whichDateTime')) });
  });
export type PointTargetInput = z.infer<typeof pointTargetInput>;

/** The moment asked for, as an absolute time (an impossible date such as 31 February is Invalid Date, refused by lib/pitr). */
export function targetOf(i: PointTargetInput, now = Date.now()): Date {
  if (i.mode === 'ago') return new Date(now - i.minutesAgo! * 60_000);
  const full = i.at!.length === 16 ? `${i.at}:00` : i.at!;
  const d = new Date(`${full}Z`);
  // Date rolls 31 February over into March: such a day is not a time.
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 19) !== full ? new Date(NaN) : d;
}

export const pointRestoreInput = z
  .object({
    stack: stackNameSchema,
    previewJob: previewJobSchema,
    confirmName: z.string().trim().max(60),
    password: z.string().min(1, zodText(say('errors.form.reenterPassword'))).max(1024),
  })
  .refine((i) => i.confirmName === i.stack, { path: ['confirmName'], message: zodText(say('errors.form.confirmStackName')) });
