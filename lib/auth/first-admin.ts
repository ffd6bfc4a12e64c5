/**
 * Bootstrapping: a fresh install has no users, so nobody could sign in to create one. On start the
 * caller runs `ensureFirstAdmin()`; on an empty users table it creates `admin` with
 * OPSDECK_ADMIN_PASSWORD, or with a generated password the caller prints once to the server log.
 * This module never logs the password itself.
 */
import { randomInt } from 'node:crypto';
import { OpsdeckError, isOpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { passwordSchema } from '@/lib/auth/password';
import { issueSaid } from '@/lib/i18n/zod-said';
import { countUsers, createUser } from '@/lib/auth/users';

export const FIRST_ADMIN_USERNAME = 'admin';

export type FirstAdminResult =
  | { created: true; username: string; password: string; generated: boolean }
  | { created: false };

// No look-alike characters (0/O, 1/l/I): the generated password is read off a terminal and typed in.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 20 characters from a 57-symbol alphabet: about 116 bits, drawn with crypto.randomInt (no modulo bias). */
export function generatePassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/**
 * Creates the first admin when there are no users. Print `password` only when `generated` is true:
 * an operator-supplied OPSDECK_ADMIN_PASSWORD is already known and must not land in logs.
 */
export async function ensureFirstAdmin(env: Readonly<Record<string, string | undefined>> = process.env): Promise<FirstAdminResult> {
  if (countUsers() > 0) return { created: false };

  // An empty value (`OPSDECK_ADMIN_PASSWORD=` in an env file) means "not set", not "empty password".
  const fromEnv = env.OPSDECK_ADMIN_PASSWORD;
  let password: string;
  let generated: boolean;
  if (fromEnv) {
    const check = passwordSchema.safeParse(fromEnv);
    if (!check.success) {
      throw new OpsdeckError(
        'config_invalid',
        say('errors.users.adminPasswordPolicy', { why: check.error.issues[0] ? issueSaid(check.error.issues[0]) : 'invalid.' }),
      );
    }
    password = fromEnv;
    generated = false;
  } else {
    password = generatePassword();
    generated = true;
  }

  try {
    await createUser({ username: FIRST_ADMIN_USERNAME, password, role: 'admin' });
  } catch (e) {
    // Another process (a second Next worker) bootstrapped at the same moment: theirs wins.
    if (isOpsdeckError(e) && e.code === 'conflict') return { created: false };
    throw e;
  }
  return { created: true, username: FIRST_ADMIN_USERNAME, password, generated };
}
