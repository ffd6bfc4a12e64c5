/**
 * Opsdeck's own state: users, login throttling, audit log and jobs, in a local SQLite file.
 * Deliberately separate from the stack's PostgreSQL so the console keeps working (and can show
 * what went wrong) while that database is down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataDirPath } from '@/lib/data-dir';
import Database from 'better-sqlite3';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { migrate } from '@/lib/store/migrate';

export type Db = Database.Database;

// Next dev re-evaluates modules on every hot reload; caching the handle on globalThis keeps one
// connection per process instead of leaking a new one (and its file locks) on each edit.
const holder = globalThis as typeof globalThis & { __opsdeckDb?: Db };

/** `<OPSDECK_DATA_DIR or ./.data>/opsdeck.db`, resolved against the working directory. */
export function defaultDbPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(dataDirPath(env), 'opsdeck.db');
}

function openAndMigrate(file: string): Db {
  let db: Db;
  try {
    // 0700: the directory holds password hashes and the audit log. Only applies to directories this
    // call creates; an existing directory's permissions are the operator's choice.
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    db = new Database(file);
  } catch (e) {
    throw new OpsdeckError(
      'config_invalid',
      say('errors.store.cannotOpen'),
      { detail: `opening ${file}: ${e instanceof Error ? e.message : String(e)}`, cause: e },
    );
  }
  try {
    try {
      fs.chmodSync(file, 0o600);
    } catch {
      // Best effort (e.g. a file owned by another user that we can still write); not fatal.
    }
    // WAL lets readers (page renders) proceed while a writer (audit insert, job log) holds the lock.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Several Next workers may share the file; wait for a lock rather than failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The process-wide handle, opened (and migrated) on first use. */
export function getDb(): Db {
  if (!holder.__opsdeckDb) holder.__opsdeckDb = openAndMigrate(defaultDbPath());
  return holder.__opsdeckDb;
}

/**
 * Opens the database at `file` and makes it the handle `getDb()` returns, closing any previous one.
 * Tests use it with a temp directory; everything in lib/ then reads and writes that file.
 */
export function openDb(file: string): Db {
  closeDb();
  holder.__opsdeckDb = openAndMigrate(file);
  return holder.__opsdeckDb;
}

/** Closes the process-wide handle, if any; the next `getDb()` reopens the default file. */
export function closeDb(): void {
  const db = holder.__opsdeckDb;
  holder.__opsdeckDb = undefined;
  if (db?.open) db.close();
}
