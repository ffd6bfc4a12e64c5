import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { withTempDb } from '@/lib/store/temp-db';
import { needsRehash, verifyPassword } from '@/lib/auth/password';
import { loadSessionUser } from '@/lib/auth/session-check';
import { createSession, endSession, endUserSessions, SESSION_IDLE_MS } from '@/lib/auth/sessions';
import {
  countUsers,
  createUser,
  deleteUser,
  getUserById,
  listUsers,
  setDisabled,
  setPassword,
  setRole,
  verifyCredentials,
} from '@/lib/auth/users';

const tmp = withTempDb();
const PW = 'a long enough password';

async function expectError(p: Promise<unknown> | (() => unknown), code: string, message?: string | RegExp) {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OpsdeckError);
  expect((error as OpsdeckError).code).toBe(code);
  if (typeof message === 'string') expect((error as OpsdeckError).message).toBe(message);
  else if (message) expect((error as OpsdeckError).message).toMatch(message);
}

const hashOf = (id: number) => (tmp.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(id) as { password_hash: string }).password_hash;

describe('user CRUD', () => {
  it('creates, lists without hashes and fetches by id', async () => {
    const alice = await createUser({ username: 'alice', password: PW, role: 'operator' });
    await createUser({ username: 'Bob', password: PW, role: 'viewer' });
    expect(alice).toMatchObject({ username: 'alice', role: 'operator', disabled: false, sessionVersion: 1, lastLoginAt: null });
    expect(alice.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const list = listUsers();
    expect(list.map((u) => u.username)).toEqual(['alice', 'Bob']);
    for (const u of list) {
      expect(Object.keys(u)).not.toContain('password_hash');
      expect(JSON.stringify(u)).not.toContain('scrypt$');
    }
    expect(getUserById(alice.id)).toEqual(alice);
    expect(getUserById(9999)).toBeNull();
    expect(countUsers()).toBe(2);
    expect(hashOf(alice.id)).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('rejects duplicate usernames case-insensitively', async () => {
    await createUser({ username: 'Alice', password: PW, role: 'viewer' });
    await expectError(createUser({ username: 'alice', password: PW, role: 'admin' }), 'conflict', 'A user named "alice" already exists.');
    await expectError(createUser({ username: 'ALICE', password: PW, role: 'admin' }), 'conflict');
    expect(countUsers()).toBe(1);
  });

  it('validates username, password and role', async () => {
    await expectError(createUser({ username: 'a b', password: PW, role: 'viewer' }), 'invalid_input', /Username must be/);
    await expectError(createUser({ username: 'carol', password: 'short', role: 'viewer' }), 'invalid_input', 'Password must be at least 10 characters.');
    await expectError(createUser({ username: 'carol', password: PW, role: 'root' as 'admin' }), 'invalid_input', /Role must be/);
    expect(countUsers()).toBe(0);
  });

  it('reports a missing user as not_found', async () => {
    await expectError(setPassword(42, PW), 'not_found');
    await expectError(() => setRole(42, 'viewer'), 'not_found');
    await expectError(() => setDisabled(42, true), 'not_found');
    await expectError(() => deleteUser(42), 'not_found');
  });
});

describe('last enabled admin protection', () => {
  const LAST = /last enabled admin/;

  it('refuses to demote, disable or delete the only enabled admin', async () => {
    const admin = await createUser({ username: 'admin', password: PW, role: 'admin' });
    await expectError(() => setRole(admin.id, 'operator'), 'conflict', LAST);
    await expectError(() => setDisabled(admin.id, true), 'conflict', LAST);
    await expectError(() => deleteUser(admin.id), 'conflict', LAST);
    expect(getUserById(admin.id)).toMatchObject({ role: 'admin', disabled: false, sessionVersion: 1 });
  });

  it('counts only enabled admins, and allows the change once another exists', async () => {
    const a = await createUser({ username: 'admin', password: PW, role: 'admin' });
    const b = await createUser({ username: 'second', password: PW, role: 'admin' });
    setDisabled(b.id, true);
    await expectError(() => deleteUser(a.id), 'conflict', LAST); // b is disabled: does not count

    setDisabled(b.id, false);
    expect(setRole(a.id, 'viewer').role).toBe('viewer');
    await expectError(() => setRole(b.id, 'operator'), 'conflict', LAST);
    deleteUser(a.id);
    expect(listUsers().map((u) => u.username)).toEqual(['second']);
  });

  it('allows changes that keep the admin enabled, and changes to non-admins', async () => {
    const admin = await createUser({ username: 'admin', password: PW, role: 'admin' });
    const viewer = await createUser({ username: 'viewer', password: PW, role: 'viewer' });
    expect(setRole(admin.id, 'admin').role).toBe('admin');
    expect(setDisabled(admin.id, false).disabled).toBe(false);
    expect(setDisabled(viewer.id, true).disabled).toBe(true);
    deleteUser(viewer.id);
    expect(getUserById(viewer.id)).toBeNull();
  });
});

describe('session revocation via session_version', () => {
  it('each change bumps the version and invalidates the old session', async () => {
    await createUser({ username: 'admin', password: PW, role: 'admin' });
    const u = await createUser({ username: 'op', password: PW, role: 'operator' });
    const sid = createSession(u.id);
    expect(loadSessionUser(u.id, 1, sid)).toEqual({ id: u.id, username: 'op', role: 'operator', sessionId: sid });

    const afterPw = await setPassword(u.id, 'another long password');
    expect(afterPw.sessionVersion).toBe(2);
    expect(loadSessionUser(u.id, 1, sid)).toBeNull();
    expect(loadSessionUser(u.id, 2, sid)).toEqual({ id: u.id, username: 'op', role: 'operator', sessionId: sid });

    expect(setRole(u.id, 'viewer').sessionVersion).toBe(3);
    expect(loadSessionUser(u.id, 2, sid)).toBeNull();
    expect(loadSessionUser(u.id, 3, sid)).toEqual({ id: u.id, username: 'op', role: 'viewer', sessionId: sid });

    expect(setDisabled(u.id, true).sessionVersion).toBe(4);
    expect(loadSessionUser(u.id, 4, sid)).toBeNull(); // disabled: no session at all
    expect(setDisabled(u.id, false).sessionVersion).toBe(5);
    expect(loadSessionUser(u.id, 5, sid)).not.toBeNull();

    deleteUser(u.id);
    expect(loadSessionUser(u.id, 5, sid)).toBeNull();
  });

  it('a session whose row was ended (signed out) or never existed is rejected', async () => {
    const u = await createUser({ username: 'op', password: PW, role: 'operator' });
    const a = createSession(u.id);
    const b = createSession(u.id);
    expect(loadSessionUser(u.id, 1, a)).not.toBeNull();
    expect(loadSessionUser(u.id, 1, undefined)).toBeNull(); // a token from before server-side sessions
    expect(loadSessionUser(u.id, 1, 'made-up')).toBeNull();
    endSession(a);
    expect(loadSessionUser(u.id, 1, a)).toBeNull();
    expect(loadSessionUser(u.id, 1, b)).not.toBeNull();
    const other = await createUser({ username: 'other', password: PW, role: 'admin' });
    expect(loadSessionUser(other.id, 1, b)).toBeNull(); // another user's session id
    const c = createSession(u.id);
    expect(endUserSessions(u.id, c)).toBe(1); // b ended, c kept
    expect(loadSessionUser(u.id, 1, b)).toBeNull();
    expect(loadSessionUser(u.id, 1, c)).not.toBeNull();
    expect(endUserSessions(u.id)).toBe(1);
    expect(loadSessionUser(u.id, 1, c)).toBeNull();
    // A session idle for longer than a session lives is over.
    const old = createSession(u.id, Date.now() - SESSION_IDLE_MS - 1000);
    expect(loadSessionUser(u.id, 1, old)).toBeNull();
  });

  it('rejects malformed token values', async () => {
    const u = await createUser({ username: 'op', password: PW, role: 'operator' });
    const sid = createSession(u.id);
    expect(loadSessionUser(String(u.id), 1, sid)).toBeNull();
    expect(loadSessionUser(u.id, undefined, sid)).toBeNull();
    expect(loadSessionUser(u.id, 1.5, sid)).toBeNull();
    expect(loadSessionUser(null, null, sid)).toBeNull();
  });

  it('setPassword changes which password verifies', async () => {
    const u = await createUser({ username: 'op', password: PW, role: 'operator' });
    await setPassword(u.id, 'the new password');
    expect(await verifyPassword('the new password', hashOf(u.id))).toBe(true);
    expect(await verifyPassword(PW, hashOf(u.id))).toBe(false);
  });
});

describe('verifyCredentials', () => {
  const WRONG = 'Wrong username or password.';

  it('returns the user for the right password, case-insensitive username, and records the sign-in', async () => {
    const u = await createUser({ username: 'Alice', password: PW, role: 'operator' });
    const now = Date.parse('2030-01-02T03:04:05.000Z');
    expect(await verifyCredentials('alice', PW, '10.0.0.1', now)).toEqual({ id: u.id, username: 'Alice', role: 'operator', sessionVersion: 1 });
    expect(getUserById(u.id)?.lastLoginAt).toBe('2030-01-02T03:04:05.000Z');
  });

  it('gives the same error for a wrong password, an unknown user and a disabled user', async () => {
    await createUser({ username: 'admin', password: PW, role: 'admin' });
    const off = await createUser({ username: 'off', password: PW, role: 'viewer' });
    setDisabled(off.id, true);
    await expectError(verifyCredentials('admin', 'wrong password!', '10.0.0.1'), 'unauthenticated', WRONG);
    await expectError(verifyCredentials('nobody', PW, '10.0.0.2'), 'unauthenticated', WRONG);
    await expectError(verifyCredentials('off', PW, '10.0.0.3'), 'unauthenticated', WRONG);
    expect(getUserById(off.id)?.lastLoginAt).toBeNull();
  });

  it('takes comparable time for unknown and known usernames', async () => {
    await createUser({ username: 'admin', password: PW, role: 'admin' });
    await verifyCredentials('warmup', 'x', '10.9.9.9').catch(() => undefined); // creates the dummy hash
    const time = async (name: string, ip: string) => {
      const t0 = performance.now();
      await verifyCredentials(name, 'wrong password', ip).catch(() => undefined);
      return performance.now() - t0;
    };
    const known = await time('admin', '10.1.0.1');
    const unknown = await time('ghost', '10.1.0.2');
    // Both run one scrypt (tens of ms); without the dummy hash the unknown case would take ~0 ms.
    expect(unknown).toBeGreaterThan(known / 4);
  });

  it('upgrades a hash made with older parameters without revoking sessions', async () => {
    const u = await createUser({ username: 'legacy', password: PW, role: 'viewer' });
    const salt = Buffer.alloc(16, 1);
    const key = scryptSync(PW, salt, 32, { N: 2 ** 12, r: 8, p: 1 });
    tmp.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(`scrypt$4096$8$1$${salt.toString('base64')}$${key.toString('base64')}`, u.id);
    expect(needsRehash(hashOf(u.id))).toBe(true);

    const signedIn = await verifyCredentials('legacy', PW, '10.0.0.1');
    expect(signedIn.sessionVersion).toBe(1);
    expect(hashOf(u.id)).toMatch(/^scrypt\$32768\$/);
    expect(await verifyPassword(PW, hashOf(u.id))).toBe(true);
    expect(getUserById(u.id)?.sessionVersion).toBe(1);
  });
});
