import { describe, expect, it } from 'vitest';
import { withTempDb } from '@/lib/store/temp-db';
import { createUser, setDisabled, setRole } from '@/lib/auth/users';
import { authenticateBearer, createApiToken, listApiTokens, revokeApiToken, tokenCoversStack, type TokenPrincipal } from '@/lib/auth/api-tokens';

const tmp = withTempDb();
const PW = 'a long enough password';
const bearer = (t: string) => `Bearer ${t}`;
const principal = (r: ReturnType<typeof authenticateBearer>) => {
  if ('refused' in r) throw new Error(`refused: ${r.refused}`);
  return r as TokenPrincipal;
};

describe('API tokens', () => {
  it('are shown once and stored only as a hash', async () => {
    const op = await createUser({ username: 'op', password: PW, role: 'operator' });
    const { token, info } = createApiToken(op, { name: 'ci', role: 'viewer', stacks: null, days: 30 });
    expect(token).toMatch(/^odk_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(tmp.db.prepare('SELECT * FROM api_tokens').all())).not.toContain(token.slice(4));
    expect(listApiTokens(op.id)).toEqual([expect.objectContaining({ id: info.id, name: 'ci', role: 'viewer', stacks: null, revokedAt: null })]);
    const p = principal(authenticateBearer(bearer(token)));
    expect(p.user).toEqual({ id: op.id, username: 'op', role: 'viewer' });
    expect(listApiTokens(op.id)[0].lastUsedAt).not.toBeNull();
  });

  it('cannot have a role above the creator’s, nor an empty stack list or a bad lifetime', async () => {
    const viewer = await createUser({ username: 'vi', password: PW, role: 'viewer' });
    expect(() => createApiToken(viewer, { name: 'x', role: 'operator', stacks: null, days: 1 })).toThrow(/more than your own role/);
    expect(() => createApiToken(viewer, { name: 'x', role: 'viewer', stacks: [], days: 1 })).toThrow(/at least one stack/);
    expect(() => createApiToken(viewer, { name: 'x', role: 'viewer', stacks: null, days: 0 })).toThrow(/1 to 366 days/);
  });

  it('stop working when revoked, expired, or their owner is disabled; a demoted owner caps the role', async () => {
    const admin = await createUser({ username: 'ad', password: PW, role: 'admin' });
    await createUser({ username: 'ad2', password: PW, role: 'admin' });
    const now = Date.now();
    const a = createApiToken(admin, { name: 'a', role: 'admin', stacks: ['alpha'], days: 1 }, now);
    const b = createApiToken(admin, { name: 'b', role: 'operator', stacks: null, days: 1 }, now);
    expect(principal(authenticateBearer(bearer(a.token), now + 1000)).user.role).toBe('admin');
    expect(authenticateBearer(bearer(a.token), now + 86_400_000)).toMatchObject({ refused: 'expired', name: 'a' });

    setRole(admin.id, 'viewer');
    expect(principal(authenticateBearer(bearer(a.token))).user.role).toBe('viewer');
    setRole(admin.id, 'admin');

    expect(revokeApiToken(admin.id, b.info.id)).toBe('b');
    expect(authenticateBearer(bearer(b.token))).toMatchObject({ refused: 'revoked' });
    setDisabled(admin.id, true);
    expect(authenticateBearer(bearer(a.token))).toMatchObject({ refused: 'owner-disabled' });
  });

  it('only the owner revokes; unknown and malformed tokens are refused', async () => {
    const one = await createUser({ username: 'one', password: PW, role: 'viewer' });
    const two = await createUser({ username: 'two', password: PW, role: 'viewer' });
    const t = createApiToken(one, { name: 'mine', role: 'viewer', stacks: null, days: 1 });
    expect(() => revokeApiToken(two.id, t.info.id)).toThrow(/No such token/);
    expect(authenticateBearer(bearer(`odk_${'A'.repeat(43)}`))).toEqual({ refused: 'unknown' });
    expect(authenticateBearer('Bearer nope')).toEqual({ refused: 'malformed' });
    expect(authenticateBearer(`Basic ${t.token}`)).toEqual({ refused: 'malformed' });
  });

  it('a stack list covers only its stacks', async () => {
    const op = await createUser({ username: 'op2', password: PW, role: 'operator' });
    const some = principal(authenticateBearer(bearer(createApiToken(op, { name: 's', role: 'viewer', stacks: ['alpha'], days: 1 }).token)));
    const all = principal(authenticateBearer(bearer(createApiToken(op, { name: 'all', role: 'viewer', stacks: null, days: 1 }).token)));
    expect([tokenCoversStack(some, 'alpha'), tokenCoversStack(some, 'beta'), tokenCoversStack(all, 'beta')]).toEqual([true, false, true]);
  });
});
