/**
 * A browser that has signed in to an account before gets a signed cookie naming that account and a
 * random device id. The sign-in throttle counts that browser's failures on its own counter and
 * ignores the account-wide and address counters for it (lib/auth/throttle.ts): anyone can run up
 * the account counters of `admin` by guessing, but only the admin's own browsers carry the cookie,
 * so guessing cannot lock the admin out of them. The cookie grants nothing else: the password is
 * still needed, and it is no session.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { getDb } from '@/lib/store/db';
import { authSecret } from './auth-secret';

export const DEVICE_COOKIE = 'opsdeck-device';
export const DEVICE_MAX_AGE_S = 180 * 24 * 60 * 60;

interface DeviceClaim {
  uid: number;
  user: string;
  dev: string;
}

const mac = (payload: string) => createHmac('sha256', authSecret()).update(`opsdeck-device:${payload}`).digest('base64url');

/** A new cookie value for a user who just signed in with the right password. */
export function issueDeviceCookie(user: { id: number; username: string }): string {
  const claim: DeviceClaim = { uid: user.id, user: user.username.toLowerCase(), dev: randomBytes(12).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${payload}.${mac(payload)}`;
}

/**
 * The device id when `value` is a cookie we signed for this username, whose user still exists
 * with the same id (a deleted and re-created "admin" does not inherit the old trust); else null.
 */
export function trustedDeviceFor(value: string | null | undefined, username: string): string | null {
  if (!value || value.length > 400) return null;
  const [payload, sig, extra] = value.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const want = Buffer.from(mac(payload));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  let claim: DeviceClaim;
  try {
    claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DeviceClaim;
  } catch {
    return null;
  }
  const name = username.trim().toLowerCase();
  if (claim.user !== name || typeof claim.dev !== 'string' || !Number.isSafeInteger(claim.uid)) return null;
  const row = getDb().prepare('SELECT id FROM users WHERE lower(username) = ?').get(name) as { id: number } | undefined;
  return row?.id === claim.uid ? claim.dev : null;
}

/** The cookie's value from a Cookie header (next-auth hands `authorize` the raw headers). */
export function deviceCookieFrom(cookieHeader: string | string[] | null | undefined): string | null {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === DEVICE_COOKIE) return v.join('=');
  }
  return null;
}
