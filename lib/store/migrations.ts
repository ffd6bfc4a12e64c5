/**
 * Versioned schema migrations for Opsdeck's own SQLite store.
 *
 * Rules for adding one: append a new entry with the next version number, never edit or reorder an
 * entry that has shipped (installed databases already recorded it), and keep each `up` self-contained
 * SQL. Each migration runs in its own transaction, so a failing one leaves the previous version intact.
 */
import type Database from 'better-sqlite3';
import { OpsdeckError } from '@/lib/errors';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, login failures, audit, jobs',
    up: `
      CREATE TABLE users (
        id              INTEGER PRIMARY KEY,
        username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash   TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        session_version INTEGER NOT NULL DEFAULT 1,
        disabled        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        last_login_at   TEXT
      );

      -- Timestamps here are epoch milliseconds (not ISO) because the throttle does arithmetic on them.
      CREATE TABLE login_failures (
        key      TEXT PRIMARY KEY,
        count    INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        last_at  INTEGER NOT NULL
      );

      CREATE TABLE audit (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        actor  TEXT,
        role   TEXT,
        ip     TEXT,
        action TEXT NOT NULL,
        stack  TEXT,
        target TEXT,
        result TEXT NOT NULL CHECK (result IN ('ok', 'error', 'denied')),
        detail TEXT
      );
      CREATE INDEX audit_at ON audit (at);
      CREATE INDEX audit_actor ON audit (actor);
      CREATE INDEX audit_action ON audit (action);
      CREATE INDEX audit_stack ON audit (stack);

      CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        stack       TEXT NOT NULL,
        kind        TEXT NOT NULL,
        status      TEXT NOT NULL,
        started_by  TEXT,
        started_at  TEXT,
        finished_at TEXT,
        summary     TEXT,
        log         TEXT
      );
      CREATE INDEX jobs_stack_started ON jobs (stack, started_at);
    `,
  },
];

export interface MigrationResult {
  /** Versions applied by this call (empty when the database was already current). */
  applied: number[];
  /** Schema version after the call. */
  version: number;
}

function assertWellFormed(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      // A programming error in this file, not something an operator can fix.
      throw new OpsdeckError('internal', 'Opsdeck has an invalid migration list.', {
        detail: `migration versions must be increasing positive integers; got ${m.version} after ${previous}`,
      });
    }
    previous = m.version;
  }
}

/** Highest version recorded in the database, 0 for a fresh one. */
export function currentSchemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Applies the pending migrations. Safe to call on every start and from several processes at once:
 * each migration takes the write lock (BEGIN IMMEDIATE) and re-checks whether another process has
 * already applied it.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  assertWellFormed(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);

  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  const found = currentSchemaVersion(db);
  if (found > known) {
    // Running older code against a newer schema could silently corrupt data; stop instead.
    throw new OpsdeckError(
      'config_invalid',
      `Opsdeck's database has schema version ${found}, but this version of Opsdeck only knows up to ${known}. ` +
        'It was written by a newer Opsdeck: run that version, or restore a backup of the data directory.',
      { detail: `db file: ${db.name}` },
    );
  }

  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(m.version)) return false;
      db.exec(m.up);
      record.run(m.version, m.name, new Date().toISOString());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(m.version);
    } catch (e) {
      throw new OpsdeckError('internal', `Opsdeck could not upgrade its database (migration ${m.version}).`, {
        detail: `migration ${m.version} "${m.name}" failed: ${e instanceof Error ? e.message : String(e)}`,
        cause: e,
      });
    }
  }
  return { applied, version: currentSchemaVersion(db) };
}
