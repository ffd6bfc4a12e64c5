import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { createUser, deleteUser, verifyCredentials } from './users';
import { DEVICE_COOKIE, deviceCookieFrom, issueDeviceCookie, trustedDeviceFor } from './trusted-device';

withTempDb();
const PW = 'the admin password 1';

describe('trusted devices and the sign-in throttle', () => {
  it('guessing locks out new browsers, never one that signed in to the account before', async () => {
    const admin = await createUser({ username: 'admin', password: PW, role: 'admin' });
    await createUser({ username: 'second', password: PW, role: 'admin' });
    const cookie = issueDeviceCookie(admin);
    const t0 = Date.now();
    // An attacker from everywhere at once: the account counter fills up.
    for (let i = 0; i < 40; i++) await expect(verifyCredentials('admin', `guess ${i}`, `198.51.100.${i}`, t0)).rejects.toThrowError();
    await expect(verifyCredentials('admin', PW, '192.0.2.1', t0)).rejects.toThrowError(/Too many failed sign-in attempts/);
    // The admin's own browser: the right password works at once.
    await expect(verifyCredentials('admin', PW, '192.0.2.1', t0, cookie)).resolves.toMatchObject({ id: admin.id });
    // Its own typos are counted on its own counter: five are free, then it backs off too.
    for (let i = 0; i < 5; i++) await expect(verifyCredentials('admin', 'typo', '192.0.2.1', t0, cookie)).rejects.toThrowError('Wrong username or password.');
    await expect(verifyCredentials('admin', PW, '192.0.2.1', t0, cookie)).rejects.toThrowError(/Too many failed/);
    await expect(verifyCredentials('admin', PW, '192.0.2.1', t0 + 2000, cookie)).resolves.toMatchObject({ id: admin.id });
  });

  it('the cookie is trusted only as signed, for its own account and user', async () => {
    const admin = await createUser({ username: 'admin', password: PW, role: 'admin' });
    const other = await createUser({ username: 'other', password: PW, role: 'admin' });
    const cookie = issueDeviceCookie(admin);
    expect(trustedDeviceFor(cookie, 'admin')).toMatch(/^[\w-]{16}$/);
    expect(trustedDeviceFor(cookie, 'ADMIN ')).not.toBeNull();
    expect(trustedDeviceFor(cookie, 'other')).toBeNull();
    const [payload, sig] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ uid: other.id, user: 'other', dev: 'x' })).toString('base64url');
    expect(trustedDeviceFor(`${forged}.${sig}`, 'other')).toBeNull();
    expect(trustedDeviceFor(`${payload}.${sig.slice(1)}A`, 'admin')).toBeNull();
    expect(trustedDeviceFor(`${payload}`, 'admin')).toBeNull();
    expect(trustedDeviceFor(null, 'admin')).toBeNull();
    expect(deviceCookieFrom(`a=1; ${DEVICE_COOKIE}=${cookie}; b=2`)).toBe(cookie);
    // A re-created "admin" is another user: the old browser is not trusted for it.
    await createUser({ username: 'keeper', password: PW, role: 'admin' });
    deleteUser(admin.id);
    await createUser({ username: 'admin', password: PW, role: 'admin' });
    expect(trustedDeviceFor(cookie, 'admin')).toBeNull();
  });
});
