import { z } from 'zod';
import { backupIdSchema } from '@/lib/backup/manifest';
import { stackNameSchema } from './input-schemas';

/**
 * Restore from an offsite target. The age key is pasted by the admin for this one job: it is
 * held in memory while the job runs and never stored (not in the store, the audit log or a file).
 */
export const restoreOffsiteInput = z.object({
  stack: stackNameSchema,
  target: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Not a target name.'),
  backupId: backupIdSchema,
  identity: z.string().trim().min(1, 'Paste the age secret key (AGE-SECRET-KEY-1…).').max(20_000),
  confirmName: z.string().trim().max(60),
  password: z.string().min(1, 'Re-enter your password.').max(1024),
}).refine((i) => i.confirmName === i.stack, { path: ['confirmName'], message: 'Type the stack name exactly to confirm.' });
