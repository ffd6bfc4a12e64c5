import { z } from 'zod';
import { roleSchema } from '@/lib/auth/roles';
import { TOKEN_MAX_DAYS, tokenNameSchema } from '@/lib/auth/api-tokens';
import { stackNameSchema } from './input-schemas';

// The account pages' forms: two-factor enrolment and API tokens.
export const totpCodeSchema = z.string().trim().regex(/^\d{3}\s?\d{3}$/, 'Enter the 6-digit code from your app.');
export const confirmTotpInput = z.object({ code: totpCodeSchema });
export const disableTotpInput = z.object({
  password: z.string().min(1, 'Enter your password.').max(1024),
  code: z.string().trim().min(6, 'Enter a code from your app or a recovery code.').max(40),
});
export const emptyInput = z.object({}).strict();

export const createTokenInput = z
  .object({
    name: tokenNameSchema,
    role: roleSchema,
    // "all" (the default) or one or more ticked stacks.
    scope: z.enum(['all', 'stacks']),
    stacks: z.union([stackNameSchema, z.array(stackNameSchema)]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
    days: z.coerce.number().int().min(1, 'At least 1 day.').max(TOKEN_MAX_DAYS, `At most ${TOKEN_MAX_DAYS} days.`),
  })
  .refine((v) => v.scope === 'all' || v.stacks.length > 0, { path: ['stacks'], message: 'Tick at least one stack, or choose all stacks.' });
export const revokeTokenInput = z.object({ id: z.coerce.number().int().positive() });
