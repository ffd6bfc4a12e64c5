/**
 * API tokens for scripts and CI, sent as `Authorization: Bearer odk_…` to the route handlers.
 *
 * A token has 256 random bits, so a plain SHA-256 of it is enough to store (no salt or slow hash
 * needed: nothing to guess). It is shown once at creation. Every use re-reads its row and its
 * owner's row — no cache — so a revocation, an expiry, a disabled owner or a demoted owner counts
 * from the very next request. Its role is capped by the owner's current role, not only at creation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { getDb } from '@/lib/store/db';
import { hasRole, isRole, ROLE_RANK, type Role } from '@/lib/auth/roles';
import { say } from '@/lib/i18n/server-text';

const PREFIX = 'odk_';
export const TOKEN_MAX_DAYS = 366;

export const tokenNameSchema = z.string().trim().regex(/^[A-Za-z0-9 ._:-]{1,60}$/, 'Name: 1 to 60 letters, digits, spaces, dot, colon, underscore or hyphen.');

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  /** null: every stack. */
  stacks: string[] | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** Who a valid bearer token acts as, with the limits the token adds. */
export interface TokenPrincipal {
  user: { id: number; username: string; role: Role };
  token: { id: number; name: string; stacks: string[] | null };
}

interface Row {
  id: number;
  user_id: number;
  name: string;
  role: Role;
  stacks: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const toToken = (r: Row): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role,
  stacks: r.stacks === null ? null : (JSON.parse(r.stacks) as string[]),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export function createApiToken(
  owner: { id: number; role: Role },
  input: { name: string; role: Role; stacks: string[] | null; days: number },
  now = Date.now(),
): { token: string; info: ApiToken } {
  if (!hasRole(owner.role, input.role)) throw new OpsdeckError('forbidden', say('errors.tokens.roleTooHigh', { role: owner.role }));
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > TOKEN_MAX_DAYS) {
    throw new OpsdeckError('invalid_input', say('errors.tokens.expiry', { max: String(TOKEN_MAX_DAYS) }));
  }
  if (input.stacks !== null && input.stacks.length === 0) throw new OpsdeckError('invalid_input', say('errors.tokens.pickStack'));
  const token = PREFIX + randomBytes(32).toString('base64url');
  const db = getDb();
  const { lastInsertRowid } = db
    .prepare('INSERT INTO api_tokens (user_id, name, token_hash, role, stacks, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(owner.id, input.name, hashOf(token), input.role, input.stacks === null ? null : JSON.stringify(input.stacks), new Date(now).toISOString(), new Date(now + input.days * 86_400_000).toISOString());
  return { token, info: toToken(db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(lastInsertRowid) as Row) };
}

export function listApiTokens(userId: number): ApiToken[] {
  return (getDb().prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id DESC').all(userId) as Row[]).map(toToken);
}

/** Revokes one of the user's own tokens; returns its name for the audit record. */
export function revokeApiToken(userId: number, tokenId: number, now = Date.now()): string {
  const db = getDb();
  const row = db.prepare('SELECT * FROM api_tokens WHERE id = ? AND user_id = ?').get(tokenId, userId) as Row | undefined;
  if (!row) throw new OpsdeckError('not_found', say('errors.tokens.noSuchToken'));
  db.prepare('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(new Date(now).toISOString(), tokenId);
  return row.name;
}

/** Why a presented token was refused, for the audit log (the caller answers 401 either way). */
export type TokenRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'owner-disabled';

/** The principal for an `Authorization` header value, or why not. Re-reads the store every time. */
export function authenticateBearer(header: string, now = Date.now()): TokenPrincipal | { refused: TokenRefusal; name?: string; username?: string } {
  const m = /^Bearer\s+(odk_[A-Za-z0-9_-]{43})\s*$/.exec(header);
  if (!m) return { refused: 'malformed' };
  const row = getDb()
    .prepare(
      `SELECT t.*, u.username AS username, u.role AS user_role, u.disabled AS disabled
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
    )
    .get(hashOf(m[1])) as (Row & { username: string; user_role: string; disabled: number }) | undefined;
  if (!row) return { refused: 'unknown' };
  const about = { name: row.name, username: row.username };
  if (row.revoked_at) return { refused: 'revoked', ...about };
  if (Date.parse(row.expires_at) <= now) return { refused: 'expired', ...about };
  if (row.disabled !== 0 || !isRole(row.user_role)) return { refused: 'owner-disabled', ...about };
  // The weaker of the token's role and its owner's current one: demoting the owner limits the token.
  const role = ROLE_RANK[row.role] <= ROLE_RANK[row.user_role] ? row.role : row.user_role;
  getDb().prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date(now).toISOString(), row.id);
  return { user: { id: row.user_id, username: row.username, role }, token: { id: row.id, name: row.name, stacks: row.stacks === null ? null : (JSON.parse(row.stacks) as string[]) } };
}

/** Whether a token principal may act on `stack` (always true for a token for every stack). */
export function tokenCoversStack(p: TokenPrincipal, stack: string): boolean {
  return p.token.stacks === null || p.token.stacks.includes(stack);
}
