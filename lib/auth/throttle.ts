/**
 * Sign-in throttling. Failures are counted per (username, ip), which stops guessing one account's
 * password, per ip, which stops spraying one password over many usernames, and per username alone
 * (with more room), so an attacker who can change address for every guess (a botnet, or a forged
 * X-Forwarded-For, see client-ip.ts) still slows down on each account. Once a counter
 * reaches THRESHOLD failures, every further attempt is refused until 2^(n - THRESHOLD) seconds after
 * the latest failure (capped), so a script gets a handful of guesses per hour while a person who
 * mistyped waits seconds.
 *
 * Counters live in SQLite (login_failures) so a restart does not reset them. A counter is forgotten
 * once WINDOW has passed without a new failure: the cap equals the window, so a capped attacker who
 * retries as soon as allowed stays capped.
 *
 * A browser that signed in to the account before (a trusted device, lib/auth/trusted-device.ts) is
 * judged by its own (username, device) counter only: strangers' guesses fill the account and
 * address counters, never that one, so nobody can lock the owner out of their own browsers.
 *
 * Callers: check with `assertLoginAllowed` BEFORE verifying the password (a refused attempt must not
 * reveal whether the password was right, nor cost a scrypt), then `recordLoginFailure` or
 * `clearLoginFailures`. Refused attempts are not counted, so waiting always works.
 */
import { getDb } from '@/lib/store/db';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { DIRECT } from './client-ip';

export const THROTTLE = {
  threshold: 5,
  // Colleagues behind one NAT or proxy share an address; let the address counter start later.
  ipThreshold: 20,
  // The account alone, whatever the address: higher, so the owner's own typos from their usual
  // address hit the (username, ip) counter first.
  userThreshold: 10,
  windowMs: 15 * 60_000,
  maxDelayMs: 15 * 60_000,
} as const;

interface FailureRow {
  key: string;
  count: number;
  first_at: number;
  last_at: number;
}

// Requests whose address the proxy did not pass share one bucket; better too strict than unlimited.
const ipOf = (ip: string | null | undefined) => ip?.trim() || 'unknown';

/**
 * Without a trusted proxy every client is "direct" (client-ip.ts): an address counter would then be
 * one global counter, and anyone could lock every user out with 20 wrong guesses. The per-account
 * counters still apply.
 */
const knownAddress = (ip: string | null | undefined) => ipOf(ip) !== DIRECT && ipOf(ip) !== 'unknown';

/** JSON keeps the key unambiguous even though IPv6 addresses and usernames can contain ':'. */
export function throttleKeys(username: string, ip: string | null | undefined): { userIp: string; ip: string; user: string } {
  const user = username.trim().toLowerCase().slice(0, 100); // usernames are case-insensitive
  return { userIp: `user+ip:${JSON.stringify([user, ipOf(ip)])}`, ip: `ip:${JSON.stringify(ipOf(ip))}`, user: `user:${JSON.stringify(user)}` };
}

/** How long a counter with `count` failures blocks after its latest failure. */
export function delayForCount(count: number, threshold: number = THROTTLE.threshold): number {
  if (count < threshold) return 0;
  return Math.min(2 ** (count - threshold) * 1000, THROTTLE.maxDelayMs);
}

function isStale(row: FailureRow, now: number): boolean {
  return now - row.last_at > THROTTLE.windowMs;
}

/** Milliseconds until `key` may try again (0 = allowed now). */
function blockedForMs(row: FailureRow | undefined, now: number, threshold: number): number {
  if (!row || isStale(row, now)) return 0;
  return Math.max(0, row.last_at + delayForCount(row.count, threshold) - now);
}

/** The counter of one trusted device of one account. */
const deviceKey = (username: string, device: string) => `user+device:${JSON.stringify([username.trim().toLowerCase().slice(0, 100), device])}`;

/**
 * Throws OpsdeckError('rate_limited') while any counter for this (username, ip) is blocking; for a
 * trusted `device` of this username, only that device's own counter.
 */
export function assertLoginAllowed(username: string, ip: string | null | undefined, now: number = Date.now(), device: string | null = null): void {
  const keys = throttleKeys(username, ip);
  const get = getDb().prepare('SELECT key, count, first_at, last_at FROM login_failures WHERE key = ?');
  const waitMs = device
    ? blockedForMs(get.get(deviceKey(username, device)) as FailureRow | undefined, now, THROTTLE.threshold)
    : Math.max(
        blockedForMs(get.get(keys.userIp) as FailureRow | undefined, now, THROTTLE.threshold),
        knownAddress(ip) ? blockedForMs(get.get(keys.ip) as FailureRow | undefined, now, THROTTLE.ipThreshold) : 0,
        blockedForMs(get.get(keys.user) as FailureRow | undefined, now, THROTTLE.userThreshold),
      );
  if (waitMs > 0) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new OpsdeckError(
      'rate_limited',
      seconds === 1 ? say('errors.auth.tooManyAttemptsOne', { seconds: String(seconds) }) : say('errors.auth.tooManyAttempts', { seconds: String(seconds) }),
    );
  }
}

/** Counts one failed attempt against all three counters (a trusted device: against its own only). */
export function recordLoginFailure(username: string, ip: string | null | undefined, now: number = Date.now(), device: string | null = null): void {
  const db = getDb();
  const keys = throttleKeys(username, ip);
  const get = db.prepare('SELECT key, count, first_at, last_at FROM login_failures WHERE key = ?');
  const put = db.prepare(
    `INSERT INTO login_failures (key, count, first_at, last_at) VALUES (@key, @count, @first_at, @last_at)
     ON CONFLICT(key) DO UPDATE SET count = excluded.count, first_at = excluded.first_at, last_at = excluded.last_at`,
  );
  db.transaction(() => {
    // Each distinct username tried creates a row; drop the ones that can no longer block anyone so
    // an attacker cycling through names cannot grow the table without bound.
    db.prepare('DELETE FROM login_failures WHERE last_at < ?').run(now - THROTTLE.windowMs);
    const counted = device ? [deviceKey(username, device)] : knownAddress(ip) ? [keys.userIp, keys.ip, keys.user] : [keys.userIp, keys.user];
    for (const key of counted) {
      const row = get.get(key) as FailureRow | undefined;
      const fresh = !row || isStale(row, now);
      put.run({ key, count: fresh ? 1 : row.count + 1, first_at: fresh ? now : row.first_at, last_at: now });
    }
  }).immediate();
}

/**
 * After a successful sign-in: forgets the (username, ip) and username counters (only the account's
 * owner can get here). The ip counter is kept on purpose, otherwise an attacker could reset it by
 * signing in to their own account between guesses.
 */
export function clearLoginFailures(username: string, ip: string | null | undefined, device: string | null = null): void {
  const keys = throttleKeys(username, ip);
  getDb().prepare('DELETE FROM login_failures WHERE key IN (?, ?, ?)').run(keys.userIp, keys.user, device ? deviceKey(username, device) : keys.userIp);
}
