/**
 * Opsdeck's user accounts. Hashes never leave this module: every read maps to `User`, which has none.
 *
 * Every change that affects what a session may do (password, role, disabled) increments
 * `session_version`; sessions carry the version they were issued with and `loadSessionUser` rejects
 * stale ones, which is how those changes sign the user out everywhere.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { getDb, type Db } from '@/lib/store/db';
import { hashPassword, needsRehash, passwordSchema, usernameSchema, verifyPassword } from '@/lib/auth/password';
import { roleSchema, type Role } from '@/lib/auth/roles';
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from '@/lib/auth/throttle';
import { verifyOwnPassword } from '@/lib/auth/reauth';
import { trustedDeviceFor } from '@/lib/auth/trusted-device';
import { endUserSessions } from '@/lib/auth/sessions';
import { say } from '@/lib/i18n/server-text';
import { issueSaid } from '@/lib/i18n/zod-said';

export interface User {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  sessionVersion: number;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** What a successful sign-in yields: enough to issue a session that `loadSessionUser` can check. */
export interface AuthenticatedUser {
  id: number;
  username: string;
  role: Role;
  sessionVersion: number;
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  session_version: number;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

const COLUMNS = 'id, username, role, session_version, disabled, created_at, updated_at, last_login_at';

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled !== 0,
  sessionVersion: r.session_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastLoginAt: r.last_login_at,
});

function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new OpsdeckError('invalid_input', issue ? issueSaid(issue) : say('errors.invalidInput'));
  }
  return result.data;
}

const isUniqueViolation = (e: unknown) =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

function rowById(db: Db, id: number): UserRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
}

function requireRow(db: Db, id: number): UserRow {
  const row = rowById(db, id);
  if (!row) throw new OpsdeckError('not_found', say('errors.userGone'));
  return row;
}

export function countUsers(): number {
  return (getDb().prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
}

export async function createUser(input: { username: string; password: string; role: Role }): Promise<User> {
  const username = parseInput(usernameSchema, input.username);
  const password = parseInput(passwordSchema, input.password);
  const role = parseInput(roleSchema, input.role);
  const hash = await hashPassword(password);
  const now = new Date().toISOString();
  const db = getDb();
  try {
    const { lastInsertRowid } = db
      .prepare('INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(username, hash, role, now, now);
    return toUser(requireRow(db, Number(lastInsertRowid)));
  } catch (e) {
    if (isUniqueViolation(e)) throw new OpsdeckError('conflict', say('errors.users.exists', { name: username }));
    throw e;
  }
}

export function listUsers(): User[] {
  return (getDb().prepare(`SELECT ${COLUMNS} FROM users ORDER BY username`).all() as UserRow[]).map(toUser);
}

export function getUserById(id: number): User | null {
  const row = rowById(getDb(), id);
  return row ? toUser(row) : null;
}

/**
 * Applies a change to one user inside a write transaction, refusing any change that would leave no
 * enabled admin: nobody could then manage users or deploy, short of editing the SQLite file by hand.
 * `after` is the user's role/disabled state after the change, or null for deletion.
 */
function changeUser(id: number, after: ((row: UserRow) => { role: Role; disabled: boolean }) | null, apply: (db: Db) => void): void {
  const db = getDb();
  db.transaction(() => {
    const row = requireRow(db, id);
    const isEnabledAdmin = row.role === 'admin' && row.disabled === 0;
    const next = after?.(row);
    const staysEnabledAdmin = next !== undefined && next.role === 'admin' && !next.disabled;
    if (isEnabledAdmin && !staysEnabledAdmin) {
      const others = db
        .prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?")
        .get(id) as { n: number };
      if (others.n === 0) {
        throw new OpsdeckError(
          'conflict',
          say('errors.users.lastAdmin', { user: row.username }),
        );
      }
    }
    apply(db);
  }).immediate(); // IMMEDIATE: two processes must not each remove "the other" admin concurrently
}

const BUMP = 'session_version = session_version + 1, updated_at = @now';

export async function setPassword(id: number, password: string): Promise<User> {
  const hash = await hashPassword(parseInput(passwordSchema, password));
  const db = getDb();
  const { changes } = db
    .prepare(`UPDATE users SET password_hash = @hash, ${BUMP} WHERE id = @id`)
    .run({ id, hash, now: new Date().toISOString() });
  if (changes === 0) throw new OpsdeckError('not_found', say('errors.userGone'));
  return toUser(requireRow(db, id));
}

/**
 * A user changing their own password: the current one is required (lib/auth/reauth.ts), and every
 * other session of theirs ends (lib/auth/sessions.ts) while the browser that asked stays signed in.
 * session_version is left alone on purpose: bumping it would sign this browser out too.
 */
export async function changeOwnPassword(id: number, current: string, next: string, keepSessionId: string | undefined): Promise<{ endedSessions: number }> {
  const password = parseInput(passwordSchema, next);
  await verifyOwnPassword(id, current);
  if (current === password) throw new OpsdeckError('invalid_input', say('errors.users.samePassword'));
  const hash = await hashPassword(password);
  const db = getDb();
  return db.transaction(() => {
    db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(hash, new Date().toISOString(), id);
    return { endedSessions: endUserSessions(id, keepSessionId) };
  }).immediate();
}

export function setRole(id: number, role: Role): User {
  const newRole = parseInput(roleSchema, role);
  changeUser(
    id,
    (row) => ({ role: newRole, disabled: row.disabled !== 0 }),
    (db) => db.prepare(`UPDATE users SET role = @role, ${BUMP} WHERE id = @id`).run({ id, role: newRole, now: new Date().toISOString() }),
  );
  return toUser(requireRow(getDb(), id));
}

export function setDisabled(id: number, disabled: boolean): User {
  changeUser(
    id,
    (row) => ({ role: row.role, disabled }),
    (db) =>
      db.prepare(`UPDATE users SET disabled = @disabled, ${BUMP} WHERE id = @id`).run({ id, disabled: disabled ? 1 : 0, now: new Date().toISOString() }),
  );
  return toUser(requireRow(getDb(), id));
}

export function deleteUser(id: number): void {
  changeUser(id, null, (db) => db.prepare('DELETE FROM users WHERE id = ?').run(id));
}

// Unknown usernames are verified against this hash so a miss costs the same scrypt as a hit and the
// response time does not reveal which usernames exist. (Only the very first miss also pays for
// creating it.)
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashPassword(randomBytes(18).toString('base64')));

/**
 * Checks a sign-in attempt. Throws OpsdeckError('rate_limited') while throttled (before any password
 * work) and OpsdeckError('unauthenticated', 'Wrong username or password.') for an unknown user, a
 * wrong password or a disabled account alike. On success clears the throttle, records the sign-in
 * time and upgrades an old-parameter hash.
 */
export async function verifyCredentials(
  username: string,
  password: string,
  ip: string | null | undefined,
  now: number = Date.now(),
  deviceCookie: string | null = null,
): Promise<AuthenticatedUser> {
  const name = username.trim();
  // A browser that signed in to this account before is throttled on its own (lib/auth/trusted-device.ts).
  const device = trustedDeviceFor(deviceCookie, name);
  assertLoginAllowed(name, ip, now, device);

  const db = getDb();
  const row = db.prepare(`SELECT ${COLUMNS}, password_hash FROM users WHERE username = ?`).get(name) as
    | (UserRow & { password_hash: string })
    | undefined;
  const passwordOk = await verifyPassword(password, row?.password_hash ?? (await getDummyHash()));

  if (!row || !passwordOk || row.disabled !== 0) {
    recordLoginFailure(name, ip, now, device);
    throw new OpsdeckError('unauthenticated', say('errors.auth.wrongCredentials'));
  }

  clearLoginFailures(name, ip, device);
  const at = new Date(now).toISOString();
  db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(at, row.id);
  if (needsRehash(row.password_hash)) {
    // Same password, stronger parameters: not a security change, so sessions are not revoked.
    const upgraded = await hashPassword(password);
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?').run(upgraded, row.id, row.password_hash);
  }
  return { id: row.id, username: row.username, role: row.role, sessionVersion: row.session_version };
}
