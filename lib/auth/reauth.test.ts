import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { loadSessionUser } from './session-check';
import { createSession } from './sessions';
import { assertLoginAllowed, recordLoginFailure } from './throttle';
import { changeOwnPassword, createUser, verifyCredentials } from './users';
import { verifyOwnPassword } from './reauth';

withTempDb();
const PW = 'the admin password 1';

describe('confirming one’s own password', () => {
  it('is not blocked by strangers’ sign-in guesses at the account', async () => {
    const admin = await createUser({ username: 'admin', password: PW, role: 'admin' });
    for (let i = 0; i < 30; i++) recordLoginFailure('admin', '203.0.113.9');
    expect(() => assertLoginAllowed('admin', '203.0.113.9')).toThrowError(/Too many failed sign-in attempts/);
    await expect(verifyOwnPassword(admin.id, PW)).resolves.toBeUndefined();
  });

  it('backs off after wrong passwords, on its own counter', async () => {
    const admin = await createUser({ username: 'admin', password: PW, role: 'admin' });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await expect(verifyOwnPassword(admin.id, 'wrong password here', t0)).rejects.toThrowError('That is not your password.');
    await expect(verifyOwnPassword(admin.id, PW, t0)).rejects.toThrowError(/Too many wrong passwords/);
    // After the backoff, the right password passes and resets the counter.
    await expect(verifyOwnPassword(admin.id, PW, t0 + 60_000)).resolves.toBeUndefined();
    await expect(verifyOwnPassword(admin.id, 'wrong again', t0 + 60_000)).rejects.toThrowError('That is not your password.');
  });
});

describe('changing one’s own password', () => {
  it('needs the current password, ends the other sessions, keeps this one', async () => {
    const u = await createUser({ username: 'op', password: PW, role: 'operator' });
    const here = createSession(u.id);
    const elsewhere = createSession(u.id);
    await expect(changeOwnPassword(u.id, 'not my password', 'a brand new password', here)).rejects.toThrowError('That is not your password.');
    expect(loadSessionUser(u.id, u.sessionVersion, elsewhere)).not.toBeNull();
    await expect(changeOwnPassword(u.id, PW, PW, here)).rejects.toThrowError(/must differ/);
    await expect(changeOwnPassword(u.id, PW, 'short', here)).rejects.toThrowError();

    expect(await changeOwnPassword(u.id, PW, 'a brand new password', here)).toEqual({ endedSessions: 1 });
    expect(loadSessionUser(u.id, u.sessionVersion, here)).not.toBeNull();
    expect(loadSessionUser(u.id, u.sessionVersion, elsewhere)).toBeNull();
    await expect(verifyCredentials('op', PW, null)).rejects.toThrowError('Wrong username or password.');
    await expect(verifyCredentials('op', 'a brand new password', null)).resolves.toMatchObject({ id: u.id });
  });
});
