import { z } from 'zod';
import { backupIdSchema } from '@/lib/backup/manifest';
import { stackNameSchema } from './input-schemas';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

/**
 * Restore from an offsite target. The age key is pasted by the admin for this one job: it is
 * held in memory while the job runs and never stored (not in the store, the audit log or a file).
 */
export const restoreOffsiteInput = z.object({
  stack: stackNameSchema,
  target: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, zodText(say('errors.form.badTarget'))),
  backupId: backupIdSchema,
  identity: z.string().trim().min(1, zodText(say('errors.form.ageKey'))).max(20_000),
  confirmName: z.string().trim().max(60),
  password: z.string().min(1, zodText(say('errors.form.reenterPassword'))).max(1024),
}).refine((i) => i.confirmName === i.stack, { path: ['confirmName'], message: zodText(say('errors.form.confirmStackName')) });
