import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordSchema, SCRYPT_PARAMS, usernameSchema, verifyPassword } from '@/lib/auth/password';

describe('hashPassword / verifyPassword', () => {
  it('round-trips and rejects a wrong password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('encodes scrypt$N$r$p$salt$hash with a 16-byte salt and 32-byte key', async () => {
    const hash = await hashPassword('some long password');
    const parts = hash.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4], 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5], 'base64')).toHaveLength(32);
    expect(needsRehash(hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    expect(a).not.toBe(b);
  });

  it('verifies with the parameters stored in the hash and flags old ones for rehash', async () => {
    const salt = Buffer.alloc(16, 7);
    const key = scryptSync('legacy password', salt, 32, { N: 2 ** 12, r: 8, p: 1 });
    const legacy = `scrypt$4096$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('legacy password', legacy)).toBe(true);
    expect(await verifyPassword('other password', legacy)).toBe(false);
    expect(needsRehash(legacy)).toBe(true);
    expect(SCRYPT_PARAMS.N).toBe(32768);
  });

  it('treats malformed or abusive hashes as non-matching', async () => {
    const good = await hashPassword('a fine password');
    const [, , r, p, salt, key] = good.split('$');
    for (const bad of [
      '',
      'plain-text',
      good.replace('scrypt$', 'bcrypt$'),
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`, // N beyond the cap
      `scrypt$32768$${r}$${p}$${salt}`, // missing field
      `scrypt$32768$${r}$${p}$${salt}$`, // empty key
    ]) {
      expect(await verifyPassword('a fine password', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });
});

describe('policy schemas', () => {
  it('requires passwords of at least 10 characters', () => {
    expect(passwordSchema.safeParse('123456789').success).toBe(false);
    expect(passwordSchema.safeParse('1234567890').success).toBe(true);
    const short = passwordSchema.safeParse('short');
    expect(short.success ? '' : short.error.issues[0].message).toBe('Password must be at least 10 characters.');
    expect(passwordSchema.safeParse('x'.repeat(1025)).success).toBe(false);
  });

  it('allows usernames of 2-40 letters, digits, dot, underscore, hyphen', () => {
    for (const ok of ['ab', 'alice', 'Bob.Smith', 'ops_1-2', 'x'.repeat(40)]) expect(usernameSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['a', 'x'.repeat(41), 'has space', 'semi;colon', 'émile', '']) expect(usernameSchema.safeParse(bad).success).toBe(false);
  });
});
