import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { ensureFirstAdmin, generatePassword } from '@/lib/auth/first-admin';
import { createUser, listUsers, verifyCredentials } from '@/lib/auth/users';

withTempDb();
afterEach(() => vi.restoreAllMocks());

describe('ensureFirstAdmin', () => {
  it('creates admin with OPSDECK_ADMIN_PASSWORD', async () => {
    const result = await ensureFirstAdmin({ OPSDECK_ADMIN_PASSWORD: 'from-the-env-file' });
    expect(result).toEqual({ created: true, username: 'admin', password: 'from-the-env-file', generated: false });
    expect(listUsers().map((u) => [u.username, u.role])).toEqual([['admin', 'admin']]);
    expect((await verifyCredentials('admin', 'from-the-env-file', '127.0.0.1')).role).toBe('admin');
  });

  it('generates a 20-character password when none is configured (or it is empty)', async () => {
    const result = await ensureFirstAdmin({ OPSDECK_ADMIN_PASSWORD: '' });
    expect(result.created).toBe(true);
    if (!result.created) return;
    expect(result.generated).toBe(true);
    expect(result.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await verifyCredentials('admin', result.password, '127.0.0.1')).username).toBe('admin');
  });

  it('rejects an env password that breaks the policy, without echoing it', async () => {
    await expect(ensureFirstAdmin({ OPSDECK_ADMIN_PASSWORD: 'tooShort1' })).rejects.toMatchObject({
      code: 'config_invalid',
      message: 'OPSDECK_ADMIN_PASSWORD does not meet the password policy: Password must be at least 10 characters.',
    });
    expect(listUsers()).toEqual([]);
  });

  it('does nothing once any user exists, and is idempotent', async () => {
    const first = await ensureFirstAdmin({});
    expect(first.created).toBe(true);
    expect(await ensureFirstAdmin({})).toEqual({ created: false });
    expect(listUsers()).toHaveLength(1);
  });

  it('does nothing when users exist even if none is called admin', async () => {
    await createUser({ username: 'root-ish', password: 'a long enough password', role: 'admin' });
    expect(await ensureFirstAdmin({ OPSDECK_ADMIN_PASSWORD: 'from-the-env-file' })).toEqual({ created: false });
  });

  it('never logs the password', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
    const result = await ensureFirstAdmin({});
    if (!result.created) throw new Error('expected an admin to be created');
    for (const spy of spies) expect(JSON.stringify(spy.mock.calls)).not.toContain(result.password);
  });
});

describe('generatePassword', () => {
  it('draws from an unambiguous alphabet and differs each time', () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
    expect(generatePassword(32)).toHaveLength(32);
  });
});
