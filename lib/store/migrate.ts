/**
 * Applies the store's migrations (migrations.ts) in order, each in its own transaction, recording
 * each version in schema_migrations.
 */
import type Database from 'better-sqlite3';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { MIGRATIONS, type Migration } from './migrations';

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
      throw new OpsdeckError('internal', say('errors.store.badList'), {
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
      say('errors.store.newerSchema', { found: String(found), known: String(known) }),
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
      throw new OpsdeckError('internal', say('errors.store.upgradeFailed', { version: String(m.version) }), {
        detail: `migration ${m.version} "${m.name}" failed: ${e instanceof Error ? e.message : String(e)}`,
        cause: e,
      });
    }
  }
  return { applied, version: currentSchemaVersion(db) };
}
