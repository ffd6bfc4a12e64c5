import { z } from 'zod';
import { passwordSchema, usernameSchema } from '@/lib/auth/password';

// One place for the user forms' schemas, shared by the actions that parse them.
export const roleSchema = z.enum(['viewer', 'operator', 'admin']);
export const userIdSchema = z.coerce.number().int().positive();

export const createUserInput = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });
export const setRoleInput = z.object({ id: userIdSchema, role: roleSchema });
export const setPasswordInput = z.object({ id: userIdSchema, password: passwordSchema });
export const setDisabledInput = z.object({ id: userIdSchema, disabled: z.enum(['true', 'false']).transform((v) => v === 'true') });
export const deleteUserInput = z.object({ id: userIdSchema });
