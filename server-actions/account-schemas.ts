import { z } from 'zod';
import { roleSchema } from '@/lib/auth/roles';
import { TOKEN_MAX_DAYS, tokenNameSchema } from '@/lib/auth/api-tokens';
import { stackNameSchema } from './input-schemas';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

// The account pages' forms: two-factor enrolment and API tokens.
export const totpCodeSchema = z.string().trim().regex(/^\d{3}\s?\d{3}$/, zodText(say('errors.form.totpCode')));
export const confirmTotpInput = z.object({ code: totpCodeSchema });
export const disableTotpInput = z.object({
  password: z.string().min(1, zodText(say('errors.form.password'))).max(1024),
  code: z.string().trim().min(6, zodText(say('errors.form.codeOrRecovery'))).max(40),
});
export const emptyInput = z.object({}).strict();

export const createTokenInput = z
  .object({
    name: tokenNameSchema,
    role: roleSchema,
    // "all" (the default) or one or more ticked stacks.
    scope: z.enum(['all', 'stacks']),
    stacks: z.union([stackNameSchema, z.array(stackNameSchema)]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    days: z.coerce.number().int().min(1, zodText(say('errors.form.atLeastOneDay'))).max(TOKEN_MAX_DAYS, zodText(say('errors.form.atMostDays', { days: String(TOKEN_MAX_DAYS) }))),
  })
  .refine((v) => v.scope === 'all' || v.stacks.length > 0, { path: ['stacks'], message: zodText(say('errors.form.tickStack')) });
export const revokeTokenInput = z.object({ id: z.coerce.number().int().positive() });
