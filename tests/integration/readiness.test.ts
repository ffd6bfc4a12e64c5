import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readiness } from '@/lib/health/readiness';
import { closeDb, openDb } from '@/lib/store';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-ready-'));
  openDb(path.join(dir, 'opsdeck.db'));
});
afterAll(() => closeDb());

describe('readiness', () => {
  it('is ready when the store is writable and Docker answers', async () => {
    expect(await readiness()).toEqual({ ready: true, checks: { store: true, docker: true } });
  });

  it('is not ready when Docker is unreachable, and says which check failed', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      expect(await readiness()).toEqual({ ready: false, checks: { store: true, docker: false } });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('is not ready when the store cannot take a write lock', async () => {
    const other = new (await import('better-sqlite3')).default(path.join(dir, 'opsdeck.db'));
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const r = await readiness();
      expect(r.checks.store).toBe(false);
      expect(r.ready).toBe(false);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  }, 20_000);
});
