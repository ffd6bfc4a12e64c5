import { z } from 'zod';
import { backupIdSchema, settingsInputSchema } from '@/lib/backup';

// The backup forms' inputs. Backup ids and database names are checked for shape here and against
// the catalogue / the kept list in lib/backup: nothing from the browser is used as a path.
export const stackField = z.string().trim().min(1, 'Which stack?').max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'Not a stack name.');
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const dbName = z.string().trim().min(1).max(63).regex(/^[A-Za-z0-9_$-]+$/, 'Not a database name.');

export const createBackupInput = z.object({ stack: stackField, testRestore: checkbox });
export const backupRefInput = z.object({ stack: stackField, backupId: backupIdSchema });
export const restoreBackupInput = z.object({
  stack: stackField,
  backupId: backupIdSchema,
  confirmName: z.string().trim().max(60),
  password: z.string().min(1, 'Re-enter your password.').max(1024),
}).refine((i) => i.confirmName === i.stack, { path: ['confirmName'], message: 'Type the stack name exactly to confirm.' });
export const keptDatabaseInput = z.object({ stack: stackField, database: dbName });
export const scheduleInput = settingsInputSchema.extend({ stack: stackField });
export const importDirectoryInput = z.object({
  stack: stackField,
  directory: z.string().trim().min(1, 'Which folder?').max(1024).refine((p) => p.startsWith('/'), 'Give the full path of a folder on the Opsdeck host, starting with /.'),
});
