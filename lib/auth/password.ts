/**
 * Password hashing with Node's built-in scrypt (memory-hard, no native dependency).
 *
 * Hashes are self-describing, `scrypt$N$r$p$saltB64$hashB64`, and verification reads the parameters
 * from the stored hash, so the cost can be raised later: old hashes still verify, `needsRehash`
 * reports them, and sign-in upgrades them.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

// Stored hashes come from our own database, but a corrupted or hand-edited row must not be able to
// make one sign-in attempt allocate gigabytes or spin for minutes.
const LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16, maxKeyBytes: 128 };

export const passwordSchema = z
  .string()
  .min(10, zodText(say('errors.users.passwordTooShort')))
  // scrypt pre-hashes the input, but there is no reason to accept megabytes from a form.
  .max(1024, zodText(say('errors.users.passwordTooLong')));

export const usernameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{2,40}$/, zodText(say('errors.users.badUsername')));

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

// scrypt needs about 128 * N * r * p bytes; Node's default maxmem (32 MiB) is exactly the N=2^15,
// r=8 requirement and fails on the overhead, so give it twice the nominal amount.
const maxmemFor = (N: number, r: number, p: number) => 256 * N * r * p;

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^[1-9][0-9]{0,9}$/.test(s) ? Number(s) : NaN));
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > LIMITS.maxN || !(r >= 1 && r <= LIMITS.maxR) || !(p >= 1 && p <= LIMITS.maxP)) return null;
  if (salt.length < 8 || key.length < 16 || key.length > LIMITS.maxKeyBytes) return null;
  return { N, r, p, salt, key };
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await scryptAsync(password, salt, keyBytes, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** False for a wrong password and for a malformed hash (which then locks that account out, visibly). */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  const candidate = await scryptAsync(password, salt, key.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return timingSafeEqual(candidate, key);
}

/** True when the hash was made with other (older) parameters than the current ones. */
export function needsRehash(encoded: string): boolean {
  const parsed = parseHash(encoded);
  if (!parsed) return true;
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  return parsed.N !== N || parsed.r !== r || parsed.p !== p || parsed.salt.length !== saltBytes || parsed.key.length !== keyBytes;
}
