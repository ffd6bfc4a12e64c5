import { z } from 'zod';
import { passwordSchema } from '@/lib/auth/password';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

// The account page's own forms (a user acting on themselves, never on another user).
export const changeOwnPasswordInput = z
  .object({ currentPassword: z.string().min(1, zodText(say('errors.form.currentPassword'))).max(1000), newPassword: passwordSchema, confirmPassword: z.string().max(1000) })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: zodText(say('errors.form.passwordsDiffer')) });

export const signOutEverywhereInput = z.object({});
