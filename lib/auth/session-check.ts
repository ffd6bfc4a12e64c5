/**
 * Per-request session validation. A session (the next-auth JWT) stores only userId and the
 * session_version it was issued with; this re-reads the user on every request, so deleting,
 * disabling, demoting or changing the password of a user takes effect on their next request instead
 * of when the token expires.
 */
import { getDb } from '@/lib/store/db';
import { isRole, type Role } from '@/lib/auth/roles';
import { sessionAlive } from '@/lib/auth/sessions';

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  /** The server-side session (lib/auth/sessions.ts) this request came with. */
  sessionId?: string;
}

/**
 * The current user, or null when the session must be treated as signed out: the user is gone,
 * disabled, their session version moved on, or the session's row was ended (signed out).
 */
export function loadSessionUser(userId: unknown, sessionVersion: unknown, sessionId: unknown): SessionUser | null {
  // Token contents are only as trustworthy as their decoding; reject anything that is not a plain integer.
  if (!Number.isSafeInteger(userId) || !Number.isSafeInteger(sessionVersion)) return null;
  const row = getDb()
    .prepare('SELECT id, username, role, session_version, disabled FROM users WHERE id = ?')
    .get(userId) as { id: number; username: string; role: string; session_version: number; disabled: number } | undefined;
  if (!row || row.disabled !== 0 || row.session_version !== sessionVersion || !isRole(row.role)) return null;
  if (!sessionAlive(sessionId, row.id)) return null;
  return { id: row.id, username: row.username, role: row.role, sessionId: sessionId as string };
}
