import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { closeDb, defaultDbPath, getDb, openDb } from '@/lib/store/db';
import { migrate } from '@/lib/store/migrate';
import { MIGRATIONS, type Migration } from '@/lib/store/migrations';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-db-test-'));
});
afterEach(() => {
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);


const LATEST = MIGRATIONS[MIGRATIONS.length - 1].version;
describe('openDb', () => {
  it('creates the directory 0700, enables WAL, foreign keys and a busy timeout', () => {
    const file = path.join(dir, 'nested', 'data', 'opsdeck.db');
    const db = openDb(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('applies every migration once and records each', () => {
    const file = path.join(dir, 'opsdeck.db');
    const db = openDb(file);
    expect(tables(db)).toEqual(expect.arrayContaining(['audit', 'jobs', 'login_failures', 'schema_migrations', 'users', 'upgrades', 'notify_targets']));
    const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations').all() as {
      version: number;
      name: string;
      applied_at: string;
    }[];
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows[0].name).toBe(MIGRATIONS[0].name);
    expect(new Date(rows[0].applied_at).toISOString()).toBe(rows[0].applied_at);

    // Re-running (same handle, then a fresh open) is a no-op.
    expect(migrate(db)).toEqual({ applied: [], version: LATEST });
    const again = openDb(file);
    expect((again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
  });

  it('makes usernames unique case-insensitively and checks roles at the schema level', () => {
    const db = openDb(path.join(dir, 'opsdeck.db'));
    const insert = db.prepare("INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, 'x', ?, 't', 't')");
    insert.run('Alice', 'viewer');
    expect(() => insert.run('alice', 'viewer')).toThrow(/UNIQUE/);
    expect(() => insert.run('bob', 'root')).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO audit (at, action, result) VALUES ('t', 'x', 'maybe')").run(),
    ).toThrow(/CHECK/);
  });

  it('applies only the new migrations of a longer list, each recorded', () => {
    const db = openDb(path.join(dir, 'opsdeck.db'));
    const extended: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST + 1, name: 'jobs extra', up: 'ALTER TABLE jobs ADD COLUMN extra INTEGER' },
      { version: LATEST + 2, name: 'settings', up: 'CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)' },
    ];
    expect(migrate(db, extended)).toEqual({ applied: [LATEST + 1, LATEST + 2], version: LATEST + 2 });
    expect(migrate(db, extended)).toEqual({ applied: [], version: LATEST + 2 });
    expect(tables(db)).toContain('settings');
  });

  it('rolls a failing migration back and keeps the previous version', () => {
    const db = openDb(path.join(dir, 'opsdeck.db'));
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST + 1, name: 'half done', up: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' },
    ];
    expect(() => migrate(db, broken)).toThrow(OpsdeckError);
    expect(tables(db)).not.toContain('half');
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(LATEST);
  });

  it('refuses a database written by a newer Opsdeck', () => {
    const file = path.join(dir, 'opsdeck.db');
    const db = openDb(file);
    migrate(db, [...MIGRATIONS, { version: LATEST + 1, name: 'future', up: 'CREATE TABLE future (x INTEGER)' }]);
    closeDb();

    let error: unknown;
    try {
      openDb(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OpsdeckError);
    expect((error as OpsdeckError).code).toBe('config_invalid');
    expect((error as OpsdeckError).message).toContain(`schema version ${LATEST + 1}`);
    expect((error as OpsdeckError).message).toContain(`only knows up to ${LATEST}`);
  });

  it('rejects a migration list that is not strictly increasing', () => {
    const db = new Database(':memory:');
    const dup: Migration[] = [MIGRATIONS[0], { version: 1, name: 'again', up: '' }];
    expect(() => migrate(db, dup)).toThrow(/invalid migration list/);
    db.close();
  });

  it('turns an unusable data directory into a config error', () => {
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, 'not a directory');
    expect(() => openDb(path.join(blocker, 'opsdeck.db'))).toThrow(/cannot open its data directory/);
  });
});

describe('getDb', () => {
  const saved = process.env.OPSDECK_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.OPSDECK_DATA_DIR;
    else process.env.OPSDECK_DATA_DIR = saved;
  });

  it('lazily opens <OPSDECK_DATA_DIR>/opsdeck.db once and reopens after closeDb', () => {
    closeDb();
    process.env.OPSDECK_DATA_DIR = path.join(dir, 'state');
    const first = getDb();
    expect(first.name).toBe(path.join(dir, 'state', 'opsdeck.db'));
    expect(getDb()).toBe(first);
    closeDb();
    expect(first.open).toBe(false);
    const second = getDb();
    expect(second).not.toBe(first);
    expect(second.open).toBe(true);
  });

  it('openDb replaces the process-wide handle', () => {
    const a = openDb(path.join(dir, 'a.db'));
    const b = openDb(path.join(dir, 'b.db'));
    expect(a.open).toBe(false);
    expect(getDb()).toBe(b);
  });
});

describe('defaultDbPath', () => {
  it('uses OPSDECK_DATA_DIR, else ./.data, resolved against the working directory', () => {
    expect(defaultDbPath({ OPSDECK_DATA_DIR: '/srv/opsdeck' })).toBe('/srv/opsdeck/opsdeck.db');
    expect(defaultDbPath({})).toBe(path.join(process.cwd(), '.data', 'opsdeck.db'));
  });
});
