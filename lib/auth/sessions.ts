/**
 * Server-side sessions. The next-auth JWT names a row here (`sid`); a session is valid only while
 * its row exists, so signing out deletes the row and the cookie is worthless even if it was copied,
 * "sign out everywhere" deletes all of a user's rows, and a password change deletes all but the
 * current one. Rows unused for longer than a session may live are dropped.
 */
import { randomBytes } from 'node:crypto';
import { getDb } from '@/lib/store/db';

/** Same as the JWT's maxAge: a session idle for longer is over either way. */
export const SESSION_IDLE_MS = 12 * 60 * 60_000;
// Writing last_seen on every request would make every page view a write; once a minute is enough.
const TOUCH_MS = 60_000;

export function createSession(userId: number, now: number = Date.now()): string {
  const id = randomBytes(24).toString('base64url');
  const db = getDb();
  db.prepare('DELETE FROM sessions WHERE last_seen_at < ?').run(now - SESSION_IDLE_MS);
  db.prepare('INSERT INTO sessions (id, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)').run(id, userId, new Date(now).toISOString(), now);
  return id;
}

/** True while the session exists, belongs to `userId` and has been used recently; marks it used. */
export function sessionAlive(id: unknown, userId: number, now: number = Date.now()): boolean {
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) return false;
  const db = getDb();
  const row = db.prepare('SELECT user_id, last_seen_at FROM sessions WHERE id = ?').get(id) as { user_id: number; last_seen_at: number } | undefined;
  if (!row || row.user_id !== userId || now - row.last_seen_at > SESSION_IDLE_MS) return false;
  if (now - row.last_seen_at > TOUCH_MS) db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(now, id);
  return true;
}

export function endSession(id: unknown): void {
  if (typeof id === 'string') getDb().prepare('DELETE FROM sessions WHERE id = ?').run(id);
}

/** Ends every session of a user, or every one but `keep` (the browser that asked). Returns how many. */
export function endUserSessions(userId: number, keep?: string): number {
  const db = getDb();
  return keep
    ? db.prepare('DELETE FROM sessions WHERE user_id = ? AND id != ?').run(userId, keep).changes
    : db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
}

export function countUserSessions(userId: number): number {
  return (getDb().prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?').get(userId) as { n: number }).n;
}
