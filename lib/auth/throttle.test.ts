import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { openDb } from '@/lib/store/db';
import { withTempDb } from '@/lib/store/temp-db';
import { assertLoginAllowed, clearLoginFailures, delayForCount, recordLoginFailure, THROTTLE } from '@/lib/auth/throttle';
import { createUser, verifyCredentials } from '@/lib/auth/users';
import { clientIpFrom } from '@/lib/auth/client-ip';

const tmp = withTempDb();
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const s = (seconds: number) => seconds * 1000;

/** The rate_limited message, or null when the attempt is allowed. */
function refusal(username: string, ip: string, now: number): string | null {
  try {
    assertLoginAllowed(username, ip, now);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(OpsdeckError);
    expect((e as OpsdeckError).code).toBe('rate_limited');
    return (e as OpsdeckError).message;
  }
}

const fail = (n: number, username: string, ip: string, at: number) => {
  for (let i = 0; i < n; i++) recordLoginFailure(username, ip, at);
};

describe('delayForCount', () => {
  it('is 2^(n-5) seconds from the 5th failure, capped at 15 minutes', () => {
    expect([4, 5, 6, 7, 10].map((n) => delayForCount(n))).toEqual([0, 1000, 2000, 4000, 32000]);
    expect(delayForCount(14)).toBe(512_000);
    expect(delayForCount(15)).toBe(900_000);
    expect(delayForCount(40)).toBe(900_000);
  });
});

describe('login throttle', () => {
  it('allows 4 failures, then refuses with a growing delay', () => {
    fail(4, 'alice', '10.0.0.1', T0);
    expect(refusal('alice', '10.0.0.1', T0)).toBeNull();

    recordLoginFailure('alice', '10.0.0.1', T0); // 5th
    expect(refusal('alice', '10.0.0.1', T0)).toBe('Too many failed sign-in attempts. Try again in 1 second.');
    expect(refusal('alice', '10.0.0.1', T0 + s(1))).toBeNull();

    recordLoginFailure('alice', '10.0.0.1', T0 + s(1)); // 6th → 2 s
    expect(refusal('alice', '10.0.0.1', T0 + s(1))).toBe('Too many failed sign-in attempts. Try again in 2 seconds.');
    expect(refusal('alice', '10.0.0.1', T0 + s(2.5))).toBe('Too many failed sign-in attempts. Try again in 1 second.');
    expect(refusal('alice', '10.0.0.1', T0 + s(3))).toBeNull();

    recordLoginFailure('alice', '10.0.0.1', T0 + s(3)); // 7th → 4 s
    expect(refusal('alice', '10.0.0.1', T0 + s(3))).toMatch(/Try again in 4 seconds\.$/);
  });

  it('caps the delay at 15 minutes and keeps a capped counter alive', () => {
    fail(20, 'alice', '10.0.0.1', T0);
    expect(refusal('alice', '10.0.0.1', T0)).toMatch(/Try again in 900 seconds\.$/);
    expect(refusal('alice', '10.0.0.1', T0 + THROTTLE.maxDelayMs - 1)).toMatch(/Try again in 1 second\.$/);
    expect(refusal('alice', '10.0.0.1', T0 + THROTTLE.maxDelayMs)).toBeNull();
    // Retrying as soon as allowed and failing again is still capped, not reset.
    recordLoginFailure('alice', '10.0.0.1', T0 + THROTTLE.maxDelayMs);
    expect(refusal('alice', '10.0.0.1', T0 + THROTTLE.maxDelayMs)).toMatch(/Try again in 900 seconds\.$/);
  });

  it('forgets failures after 15 quiet minutes', () => {
    fail(5, 'alice', '10.0.0.1', T0);
    recordLoginFailure('alice', '10.0.0.1', T0 + THROTTLE.windowMs + 1);
    const count = tmp.db.prepare('SELECT count FROM login_failures WHERE key LIKE ?').get('user+ip:%') as { count: number };
    expect(count.count).toBe(1);
    expect(refusal('alice', '10.0.0.1', T0 + THROTTLE.windowMs + 1)).toBeNull();
  });

  it('counts per (username, ip): another ip or user is not affected by the user+ip counter', () => {
    fail(5, 'alice', '10.0.0.1', T0);
    expect(refusal('ALICE', '10.0.0.1', T0)).not.toBeNull(); // usernames are case-insensitive
    expect(refusal('alice', '10.0.0.2', T0)).toBeNull();
  });

  it('also counts per ip, so spraying many usernames is slowed down', () => {
    const names = Array.from({ length: THROTTLE.ipThreshold }, (_, i) => `a${i}`);
    names.slice(0, -1).forEach((u) => recordLoginFailure(u, '10.0.0.9', T0));
    expect(refusal('someone-else', '10.0.0.9', T0)).toBeNull(); // a shared address gets more room than one account
    recordLoginFailure(names.at(-1)!, '10.0.0.9', T0);
    expect(refusal('someone-else', '10.0.0.9', T0)).toMatch(/Try again in 1 second\.$/);
    expect(refusal('someone-else', '10.0.0.10', T0)).toBeNull();
  });

  it('success clears the username+ip counter but not the ip counter', () => {
    fail(4, 'alice', '10.0.0.1', T0);
    recordLoginFailure('mallory', '10.0.0.1', T0); // ip counter now at 5
    clearLoginFailures('Alice', '10.0.0.1');
    const keys = (tmp.db.prepare('SELECT key, count FROM login_failures ORDER BY key').all() as { key: string; count: number }[]);
    expect(keys).toEqual([
      { key: 'ip:"10.0.0.1"', count: 5 },
      { key: 'user+ip:["mallory","10.0.0.1"]', count: 1 },
      { key: 'user:"mallory"', count: 1 },
    ]);
  });

  it('rotating addresses still slows one account down (the per-username counter)', () => {
    const ips = Array.from({ length: THROTTLE.userThreshold }, (_, i) => `198.51.100.${i + 1}`);
    ips.slice(0, -1).forEach((ip) => recordLoginFailure('alice', ip, T0));
    // Below the account's threshold, and every (username, ip) and ip counter is at one failure.
    expect(refusal('alice', '203.0.113.7', T0)).toBeNull();
    recordLoginFailure('alice', ips.at(-1)!, T0);
    expect(refusal('alice', '203.0.113.7', T0)).toBe('Too many failed sign-in attempts. Try again in 1 second.');
    recordLoginFailure('alice', '203.0.113.8', T0 + s(1));
    expect(refusal('alice', '203.0.113.9', T0 + s(1))).toMatch(/Try again in 2 seconds\.$/);
    // Other accounts are not affected by alice's counter.
    expect(refusal('bob', '203.0.113.9', T0 + s(1))).toBeNull();
  });

  it('a forged X-Forwarded-For changes nothing without a trusted proxy: every guess counts against one address', () => {
    const env = {};
    for (let i = 0; i < THROTTLE.threshold; i++) {
      recordLoginFailure('alice', clientIpFrom({ 'x-forwarded-for': `192.0.2.${i}` }, env), T0);
    }
    expect(refusal('alice', clientIpFrom({ 'x-forwarded-for': '192.0.2.200' }, env), T0)).toMatch(/Try again in 1 second\.$/);
  });

  it('without a known address there is no shared address counter: guesses at many accounts lock nobody else out', () => {
    const env = {};
    const direct = clientIpFrom({ 'x-forwarded-for': '192.0.2.1' }, env);
    for (let i = 0; i < THROTTLE.ipThreshold * 2; i++) recordLoginFailure(`user${i}`, direct, T0);
    // The admin, also "direct", is not refused because of other accounts' failures...
    expect(refusal('admin', direct, T0)).toBeNull();
    // ...while each guessed account is still slowed down on its own.
    fail(THROTTLE.threshold - 1, 'user0', direct, T0);
    expect(refusal('user0', direct, T0)).toMatch(/Try again in 1 second\.$/);
  });

  it('survives a restart (the counters are in the database file)', () => {
    fail(5, 'alice', '10.0.0.1', T0);
    openDb(tmp.file); // closes and reopens the same file
    expect(refusal('alice', '10.0.0.1', T0)).not.toBeNull();
  });
});

describe('verifyCredentials with the throttle', () => {
  it('refuses before checking the password, and a success resets the user counter', async () => {
    await createUser({ username: 'alice', password: 'the right password', role: 'viewer' });
    for (let i = 0; i < 5; i++) {
      await expect(verifyCredentials('alice', 'wrong password', '10.0.0.1', T0)).rejects.toMatchObject({ code: 'unauthenticated' });
    }
    // Even the right password is refused while throttled: the refusal must not reveal correctness.
    await expect(verifyCredentials('alice', 'the right password', '10.0.0.1', T0)).rejects.toMatchObject({
      code: 'rate_limited',
      message: 'Too many failed sign-in attempts. Try again in 1 second.',
    });
    // Refused attempts do not count: after the delay, the next attempt goes through.
    const user = await verifyCredentials('alice', 'the right password', '10.0.0.1', T0 + s(1));
    expect(user.username).toBe('alice');
    const left = tmp.db.prepare("SELECT COUNT(*) AS n FROM login_failures WHERE key LIKE 'user+ip:%' OR key LIKE 'user:%'").get() as { n: number };
    expect(left.n).toBe(0);
  });
});
