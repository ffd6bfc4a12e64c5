import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { createUser, getUserById, setDisabled } from '@/lib/auth/users';
import { groupsFrom, oidcConfig, parseRoleMap, roleForGroups } from '@/lib/auth/oidc';
import { oidcSessionFor, signInWithOidc } from '@/lib/auth/oidc-users';

withTempDb();
const ENV = { OPSDECK_OIDC_ISSUER: 'http://127.0.0.1:9/realm/', OPSDECK_OIDC_CLIENT_ID: 'opsdeck', OPSDECK_OIDC_CLIENT_SECRET: 's3cret', OPSDECK_OIDC_ROLE_MAP: 'ops-admins=admin, ops=operator,staff=viewer' };

describe('OIDC configuration', () => {
  it('is off without an issuer and refuses half a configuration', () => {
    expect(oidcConfig({})).toBeNull();
    expect(() => oidcConfig({ OPSDECK_OIDC_ISSUER: 'http://x' })).toThrow(/CLIENT_ID/);
    expect(() => oidcConfig({ ...ENV, OPSDECK_OIDC_ROLE_MAP: '' })).toThrow(/ROLE_MAP/);
    expect(() => parseRoleMap('ops=root')).toThrow(/group=viewer\|operator\|admin/);
    const cfg = oidcConfig(ENV)!;
    expect(cfg.issuer).toBe('http://127.0.0.1:9/realm');
    expect(cfg.groupsClaim).toBe('groups');
    expect([...cfg.roleMap]).toEqual([['ops-admins', 'admin'], ['ops', 'operator'], ['staff', 'viewer']]);
  });

  it('maps the highest group to a role, from a list, a string or a nested claim', () => {
    const map = parseRoleMap('a=viewer,b=admin,c=operator');
    expect(roleForGroups(['x', 'a', 'c'], map)).toBe('operator');
    expect(roleForGroups(['b', 'a'], map)).toBe('admin');
    expect(roleForGroups(['x'], map)).toBeNull();
    expect(groupsFrom({ groups: 'a' }, 'groups')).toEqual(['a']);
    expect(groupsFrom({ realm_access: { roles: ['b', 3] } }, 'realm_access.roles')).toEqual(['b']);
    expect(groupsFrom({}, 'groups')).toEqual([]);
  });
});

describe('OIDC users', () => {
  const cfg = oidcConfig(ENV)!;

  it('creates the user on first sign-in, follows group changes, never takes over a same-named local user', async () => {
    const local = await createUser({ username: 'erin', password: 'a long enough password', role: 'admin' });
    const first = await signInWithOidc(cfg, { sub: 'sub-1', preferred_username: 'erin', groups: ['ops'] });
    expect(first).toMatchObject({ ok: true, username: 'erin-2', role: 'operator', created: true });
    expect(getUserById(local.id)?.role).toBe('admin');
    const again = await signInWithOidc(cfg, { sub: 'sub-1', preferred_username: 'erin', groups: ['staff'] });
    expect(again).toMatchObject({ ok: true, username: 'erin-2', role: 'viewer', created: false });
    const s = oidcSessionFor(cfg.issuer, 'sub-1');
    expect(s).toEqual({ uid: first.ok ? first.userId : -1, sv: again.ok ? again.sessionVersion : -1 });
  });

  it('refuses a user in no mapped group, and a user disabled in Opsdeck', async () => {
    expect(await signInWithOidc(cfg, { sub: 'sub-2', preferred_username: 'frank', groups: ['other'] })).toMatchObject({ ok: false, reason: 'no-role', message: expect.stringMatching(/no group/) });
    const ok = await signInWithOidc(cfg, { sub: 'sub-3', email: 'gina@example.org', groups: ['ops-admins'] });
    expect(ok).toMatchObject({ ok: true, username: 'gina', role: 'admin' });
    await createUser({ username: 'keep-admin', password: 'a long enough password', role: 'admin' });
    if (ok.ok) setDisabled(ok.userId, true);
    expect(await signInWithOidc(cfg, { sub: 'sub-3', email: 'gina@example.org', groups: ['ops-admins'] })).toMatchObject({ ok: false, reason: 'disabled' });
    expect(oidcSessionFor(cfg.issuer, 'sub-3')).toBeNull();
  });
});
