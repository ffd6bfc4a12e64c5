/**
 * Test helper: every test gets a fresh SQLite file in its own temp directory (real SQLite, no
 * mocks), installed as the handle getDb() returns, and removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { closeDb, openDb, type Db } from '@/lib/store/db';

export interface TempDb {
  readonly dir: string;
  readonly file: string;
  readonly db: Db;
}

/** Registers beforeEach/afterEach hooks; read the returned object's fields inside tests. */
export function withTempDb(): TempDb {
  const state: { dir: string; file: string; db?: Db } = { dir: '', file: '' };
  beforeEach(() => {
    state.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-test-'));
    state.file = path.join(state.dir, 'data', 'opsdeck.db');
    state.db = openDb(state.file);
  });
  afterEach(() => {
    closeDb();
    fs.rmSync(state.dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return state.dir;
    },
    get file() {
      return state.file;
    },
    get db() {
      if (!state.db) throw new Error('withTempDb: db is only available inside a test');
      return state.db;
    },
  };
}
