import { z } from 'zod';
import { CONFIG_KINDS } from '@/lib/config-edit';
import { stackNameSchema as stack } from './input-schemas';
import { say } from '@/lib/i18n/server-text';
import { zodIssue, zodText } from '@/lib/i18n/zod-said';

// Schemas of the configuration editor's forms, shared by their actions.
const sha = z.string().regex(/^[0-9a-f]{64}$/, zodText(say('errors.form.configBaseMissing')));
const kind = z.enum(CONFIG_KINDS, { error: zodText(say('errors.form.whichFile')) });
export const envKey = z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, zodText(say('errors.form.badVariable')));
const change = z.object({ key: envKey, value: z.string().max(64 * 1024).nullable() });
const changes = z
  .string()
  .max(512 * 1024)
  .transform((s, c) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      c.addIssue({ code: 'custom', ...zodIssue(say('errors.form.changesUnreadable')) });
      return z.NEVER;
    }
  })
  .pipe(z.array(change).max(500));

export const editInput = z.discriminatedUnion('mode', [
  z.object({ stack, kind, baseSha: sha, mode: z.literal('raw'), text: z.string().max(256 * 1024, zodText(say('errors.form.fileTooBig'))) }),
  z.object({ stack, kind: z.literal('env'), baseSha: sha, mode: z.literal('form'), changes }),
]);
export const undoInput = z.object({ stack, kind, baseSha: sha, seq: z.union([z.literal('last'), z.coerce.number().int().min(1)]).default('last') });
export const applyInput = z.object({ stack, kind, sha });
export const revealInput = z.object({ stack, key: envKey });
