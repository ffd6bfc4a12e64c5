/**
 * The Opsdeck user behind an OIDC account (issuer + subject). Created on first sign-in with a
 * random password nobody knows (so only OIDC signs it in), its role set from the groups on every
 * sign-in. Matching by username or e-mail would let whoever controls a same-named IdP account take
 * over a local one, so a taken username gets a numbered variant instead.
 */
import { randomBytes } from 'node:crypto';
import { getDb } from '@/lib/store/db';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { createUser, getUserById, setRole } from '@/lib/auth/users';
import type { Role } from '@/lib/auth/roles';
import { groupsFrom, roleForGroups, type OidcConfig } from './oidc';

export type OidcSignIn =
  | { ok: true; userId: number; username: string; role: Role; sessionVersion: number; created: boolean }
  | { ok: false; reason: 'no-role' | 'disabled' | 'error'; username: string; message: string };

function userIdFor(issuer: string, subject: string): number | null {
  const row = getDb().prepare('SELECT user_id FROM user_identities WHERE issuer = ? AND subject = ?').get(issuer, subject) as { user_id: number } | undefined;
  return row?.user_id ?? null;
}

function candidateName(claims: Record<string, unknown>): string {
  const raw = [claims.preferred_username, typeof claims.email === 'string' ? claims.email.split('@')[0] : undefined, claims.name].find((v) => typeof v === 'string' && v.trim());
  const clean = String(raw ?? 'user').replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 34);
  return clean.length >= 2 ? clean : `user-${clean}`;
}

async function createFor(issuer: string, subject: string, claims: Record<string, unknown>, role: Role) {
  const base = candidateName(claims);
  for (let n = 1; n < 100; n++) {
    const username = n === 1 ? base : `${base}-${n}`;
    if (getDb().prepare('SELECT 1 FROM users WHERE username = ?').get(username)) continue;
    const user = await createUser({ username, password: randomBytes(32).toString('base64url'), role });
    getDb().prepare('INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)').run(issuer, subject, user.id, new Date().toISOString());
    return user;
  }
  throw new Error('no free username');
}

/** Decides and records an OIDC sign-in from the ID token's claims. */
export async function signInWithOidc(cfg: OidcConfig, claims: Record<string, unknown>): Promise<OidcSignIn> {
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const shown = candidateName(claims);
  const role = roleForGroups(groupsFrom(claims, cfg.groupsClaim), cfg.roleMap);
  if (!subject || !role) {
    return { ok: false, reason: 'no-role', username: shown, message: 'Your account is in no group that Opsdeck maps to a role. Ask an admin to add you to one.' };
  }
  try {
    const existing = userIdFor(cfg.issuer, subject);
    let user = existing === null ? null : getUserById(existing);
    const created = user === null;
    if (!user) user = await createFor(cfg.issuer, subject, claims, role);
    if (user.disabled) return { ok: false, reason: 'disabled', username: user.username, message: 'This account is disabled in Opsdeck.' };
    if (user.role !== role) user = setRole(user.id, role);
    getDb().prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(new Date().toISOString(), user.id);
    return { ok: true, userId: user.id, username: user.username, role: user.role, sessionVersion: user.sessionVersion, created };
  } catch (e) {
    if (!isOpsdeckError(e)) console.error('[oidc sign-in]', e);
    return { ok: false, reason: 'error', username: shown, message: isOpsdeckError(e) ? userMessageOf(e) : 'Signing in failed; the details are in the Opsdeck log.' };
  }
}

/** The user and session version for a session being issued to an OIDC subject (after signInWithOidc). */
export function oidcSessionFor(issuer: string, subject: string): { uid: number; sv: number } | null {
  const id = userIdFor(issuer, subject);
  const user = id === null ? null : getUserById(id);
  return user && !user.disabled ? { uid: user.id, sv: user.sessionVersion } : null;
}
