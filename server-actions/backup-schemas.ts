import { z } from 'zod';
import { RESTORE_PARTS, backupIdSchema, settingsInputSchema } from '@/lib/backup';
import { stackNameSchema } from './input-schemas';
import { say } from '@/lib/i18n/server-text';
import { zodIssue, zodText } from '@/lib/i18n/zod-said';

// The backup forms' inputs. Backup ids and database names are checked for shape here and against
// the catalogue / the kept list in lib/backup: nothing from the browser is used as a path.
export const stackField = stackNameSchema;
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const dbName = z.string().trim().min(1).max(63).regex(/^[A-Za-z0-9_$-]+$/, zodText(say('errors.form.badDatabase')));

export const createBackupInput = z.object({ stack: stackField, testRestore: checkbox });
export const backupRefInput = z.object({ stack: stackField, backupId: backupIdSchema });
export const restoreBackupInput = z.object({
  stack: stackField,
  backupId: backupIdSchema,
  confirmName: z.string().trim().max(60),
  password: z.string().min(1, zodText(say('errors.form.reenterPassword'))).max(1024),
  // A backup set: its database, its volumes or both; absent: the database (as for a dump-only backup).
  parts: z.enum(RESTORE_PARTS).optional(),
}).refine((i) => i.confirmName === i.stack, { path: ['confirmName'], message: zodText(say('errors.form.confirmStackName')) });
export const keptDatabaseInput = z.object({ stack: stackField, database: dbName });
export const scheduleInput = settingsInputSchema.extend({ stack: stackField });
export const importDirectoryInput = z.object({
  stack: stackField,
  directory: z.string().trim().min(1, zodText(say('errors.form.whichFolder'))).max(1024).refine((p) => p.startsWith('/'), zodText(say('errors.form.fullFolderPath'))),
});

/**
 * The upload's `X-File-Name` header: a URI-encoded file name, shown in the list and the log and never
 * used as a path (the stored file is named by Opsdeck), so anything path-like is refused outright.
 */
export const uploadFileNameHeader = z
  .string()
  .max(1024, zodText(say('errors.form.fileNameTooLong')))
  .transform((raw, ctx) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      ctx.addIssue({ code: 'custom', ...zodIssue(say('errors.form.fileNameEncoding')) });
      return z.NEVER;
    }
  })
  .pipe(
    z.string().trim().min(1, zodText(say('errors.form.fileNoName'))).max(255, zodText(say('errors.form.fileNameTooLong')))
      .refine((n) => !/[/\\\u0000-\u001f\u007f]/.test(n) && n !== '.' && n !== '..', zodText(say('errors.form.fileNotPath'))),
  );
