import { z } from 'zod';
import { passwordSchema } from '@/lib/auth/password';

// The account page's own forms (a user acting on themselves, never on another user).
export const changeOwnPasswordInput = z
  .object({ currentPassword: z.string().min(1, 'Enter your current password.').max(1000), newPassword: passwordSchema, confirmPassword: z.string().max(1000) })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords differ.' });

export const signOutEverywhereInput = z.object({});
