/**
 * "Type your password again" for a user who is already signed in (restore confirmation, changing
 * their own password). It is not a sign-in: the sign-in throttle, which strangers can fill by
 * guessing at the account, must not block it. Its own counter is keyed by the user id and only
 * the session's holder can add to it, so a stolen session still cannot guess the password quickly
 * (same backoff as sign-in), and nobody else can stop the owner from confirming.
 */
import { OpsdeckError } from '@/lib/errors';
import { getDb } from '@/lib/store/db';
import { verifyPassword } from './password';
import { THROTTLE, delayForCount } from './throttle';
import { say } from '@/lib/i18n/server-text';

const keyOf = (userId: number) => `reauth:${JSON.stringify(userId)}`;

/** Throws rate_limited while backing off, unauthenticated for a wrong password; clears on success. */
export async function verifyOwnPassword(userId: number, password: string, now: number = Date.now()): Promise<void> {
  const db = getDb();
  const key = keyOf(userId);
  const failures = db.prepare('SELECT count, last_at FROM login_failures WHERE key = ?').get(key) as { count: number; last_at: number } | undefined;
  const live = failures && now - failures.last_at <= THROTTLE.windowMs ? failures : undefined;
  const waitMs = live ? live.last_at + delayForCount(live.count) - now : 0;
  if (waitMs > 0) {
    const s = Math.max(1, Math.ceil(waitMs / 1000));
    throw new OpsdeckError('rate_limited', s === 1 ? say('errors.auth.tooManyPasswordsOne', { seconds: '1' }) : say('errors.auth.tooManyPasswords', { seconds: String(s) }));
  }
  const row = db.prepare('SELECT password_hash FROM users WHERE id = ? AND disabled = 0').get(userId) as { password_hash: string } | undefined;
  if (row && (await verifyPassword(password, row.password_hash))) {
    db.prepare('DELETE FROM login_failures WHERE key = ?').run(key);
    return;
  }
  const count = (live?.count ?? 0) + 1;
  db.prepare(
    `INSERT INTO login_failures (key, count, first_at, last_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at`,
  ).run(key, count, now, now);
  throw new OpsdeckError('unauthenticated', say('errors.auth.notYourPassword'));
}

/** The confirmation before a change that replaces data: a wrong password says nothing was changed. */
export async function confirmOwnPassword(userId: number, password: string): Promise<void> {
  try {
    await verifyOwnPassword(userId, password);
  } catch (e) {
    if (e instanceof OpsdeckError && e.code === 'unauthenticated') throw new OpsdeckError('unauthenticated', say('errors.auth.notYourPasswordNothingChanged'));
    throw e;
  }
}
