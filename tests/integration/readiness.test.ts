import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_PING_TIMEOUT_MS, readiness } from '@/lib/health/readiness';
import { closeDb, getDb, openDb } from '@/lib/store';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-ready-'));
  openDb(path.join(dir, 'opsdeck.db'));
});
afterAll(() => closeDb());

describe('readiness', () => {
  it('is ready when the store is writable and Docker answers', async () => {
    const r = await readiness();
    expect(r).toMatchObject({ ready: true, checks: { store: true, docker: true } });
    expect(r.engines[0]).toMatchObject({ default: true, reachable: true });
  });

  it('stays ready when Docker is unreachable (Opsdeck itself can serve), and says which engine is not', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      const r = await readiness();
      expect(r).toMatchObject({ ready: true, checks: { store: true, docker: false } });
      expect(r.engines[0]).toMatchObject({ default: true, reachable: false });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('gives up on an engine that accepts the connection and never answers, within the ping timeout', async () => {
    // A real unix socket that takes connections and stays silent: a wedged dockerd looks like this.
    const sock = path.join(dir, 'wedged.sock');
    const held: net.Socket[] = [];
    const server = net.createServer((c) => void held.push(c));
    await new Promise<void>((r) => server.listen(sock, r));
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${sock}`;
    try {
      const t0 = Date.now();
      expect(await readiness()).toMatchObject({ ready: true, checks: { store: true, docker: false } });
      const ms = Date.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(DOCKER_PING_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(DOCKER_PING_TIMEOUT_MS + 1500);
      expect(held.length).toBeGreaterThan(0); // the ping really reached the socket and hung there
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      for (const c of held) c.destroy();
      await new Promise((r) => server.close(r));
    }
  }, 15_000);

  it('is not ready when the store cannot take a write lock, and answers at once instead of waiting busy_timeout', async () => {
    const other = new (await import('better-sqlite3')).default(path.join(dir, 'opsdeck.db'));
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const t0 = Date.now();
      const r = await readiness();
      const storeMs = Date.now() - t0;
      expect(r.checks.store).toBe(false);
      expect(r.ready).toBe(false);
      // The store's own busy_timeout is 5 s; the check must not block the event loop that long.
      expect(storeMs).toBeLessThan(1500);
      expect(getDb().pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  }, 20_000);
});
