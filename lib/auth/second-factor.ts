/**
 * The second step of a password sign-in for a user with two-factor on. Wrong codes are counted by
 * the sign-in throttle under a key of their own, which a right password does not clear, so knowing
 * the password does not buy unlimited code guesses.
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from './throttle';
import { twoFactorEnabled, verifySecondFactor } from './totp';

/** Thrown message the sign-in form recognises: the password was right, now ask for the code. */
export const SECOND_FACTOR_NEEDED = 'SECOND_FACTOR_NEEDED';

const codeKey = (username: string) => `${username}#2fa`;

/** null: the user has no second factor. Throws on a wrong or throttled code. */
export async function checkSecondFactor(user: { id: number; username: string }, code: string, ip: string | null): Promise<'totp' | 'recovery' | typeof SECOND_FACTOR_NEEDED | null> {
  if (!twoFactorEnabled(user.id)) return null;
  if (!code) return SECOND_FACTOR_NEEDED;
  assertLoginAllowed(codeKey(user.username), ip);
  const used = await verifySecondFactor(user.id, code);
  if (!used) {
    recordLoginFailure(codeKey(user.username), ip);
    throw new OpsdeckError('unauthenticated', say('errors.auth.codeInvalidSignIn'));
  }
  clearLoginFailures(codeKey(user.username), ip);
  return used;
}
