/**
 * The PostgreSQL panel's check against the demo stack's real PostgreSQL: what it reports when up,
 * and that every way of being down (stopped, wrong password, unknown database, a server that never
 * answers) comes back as "down" with the reason in words, never with the password.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from '@/lib/postgres';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const docker = new Docker();
let demo: DemoStack;
let stack: Stack;

/** The demo stack seen through a copy of its env file with some variables changed (or added). */
function stackWith(changes: Record<string, string>, extra: Record<string, string> = {}): Stack {
  const seen = new Set<string>();
  const lines = fs.readFileSync(demo.envFile, 'utf8').split('\n')
    .map((l) => {
      const key = /^([A-Z_]+)=/.exec(l)?.[1];
      if (key && key in changes) seen.add(key);
      return key && key in changes ? `${key}=${changes[key]}` : l;
    });
  // The seed's env file has no POSTGRES_PORT (the database is not published): add what is missing.
  const text = [...lines, ...Object.entries(changes).filter(([k]) => !seen.has(k)).map(([k, v]) => `${k}=${v}`), ''].join('\n');
  const file = path.join(demo.dir, `.env.${Object.keys(changes).join('-')}`);
  fs.writeFileSync(file, text);
  return loadStacks({ cwd: REPO, env: { OPSDECK_DEMO_ENV_FILE: file, OPSDECK_DEMO_PROJECT: demo.projectName, ...extra } })[0];
}


beforeAll(async () => {
  demo = await startDemoStack();
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
});

afterAll(async () => {
  await demo?.down();
});

describe('checkDatabase on a running PostgreSQL', () => {
  it('reports version, size, connections, schema versions and pgvector, without the password', async () => {
    const r = await checkDatabase(stack);
    expect(r.state).toBe('up');
    if (r.state !== 'up') return;
    expect(r.serverVersion).toMatch(/^17\./);
    expect(r.database).toBe('memos');
    // The database is not published (the seed's default): the check reached it through the engine.
    expect(r.target).toBe('memos@postgres:5432/memos (through the Docker Engine)');
    expect(r.sizeBytes).toBeGreaterThan(1_000_000);
    // The app's pool holds connections too; ours is one of them.
    expect(r.connections.used).toBeGreaterThanOrEqual(1);
    expect(r.connections.max).toBe(50);
    expect(r.schema).toEqual({ version: '0.1.0', basic: '0.1.0', note: null });
    // opsdeck/postgres ships real pgvector (as the seed's pgvector image does): installable, not installed yet.
    expect(r.vector).toEqual({ installed: null, available: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(r.longQueries).toEqual([]);
    expect(JSON.stringify(r)).not.toContain(demo.postgres.password);
  });

  it('lists queries running longer than the threshold, with secrets in their text masked', async () => {
    const c = await demo.pg();
    try {
      const running = c.query(`SELECT pg_sleep(4), '${demo.postgres.password}' AS leaked`);
      await new Promise((r) => setTimeout(r, 1500));
      const r = await checkDatabase(stack, { slowQueryMs: 1000, secrets: [demo.postgres.password] });
      expect(r.state).toBe('up');
      if (r.state !== 'up') return;
      const slow = r.longQueries.find((q) => q.query.includes('pg_sleep(4)'));
      expect(slow).toBeDefined();
      expect(slow!.durationMs).toBeGreaterThanOrEqual(1000);
      expect(slow!.state).toBe('active');
      expect(slow!.query).not.toContain(demo.postgres.password);
      expect(slow!.query).toContain('••••');
      const quick = await checkDatabase(stack, { slowQueryMs: 60_000 });
      expect(quick.state === 'up' && quick.longQueries).toEqual([]);
      await running;
    } finally {
      await c.end();
    }
  });

  it('says when the app has not created its tables yet', async () => {
    const c = await demo.pg();
    await c.query('CREATE DATABASE fresh');
    await c.end();
    const r = await checkDatabase(stackWith({ POSTGRES_DB: 'fresh' }));
    expect(r.state === 'up' && r.schema).toEqual({ version: null, basic: null, note: 'The app has not created its tables yet (empty database).' });
  });
});

describe('checkDatabase when the database cannot be used', () => {
  it('a wrong password: down, the reason says so, neither password appears', async () => {
    const r = await checkDatabase(stackWith({ POSTGRES_PASSWORD: 'Wrong-password-123' }));
    expect(r).toMatchObject({ state: 'down', reason: expect.stringContaining('refused the password for user "memos"') });
    expect(JSON.stringify(r)).not.toContain('Wrong-password-123');
    expect(JSON.stringify(r)).not.toContain(demo.postgres.password);
  });

  it('an unknown database, and a missing variable', async () => {
    expect(await checkDatabase(stackWith({ POSTGRES_DB: 'nope' }))).toMatchObject({ state: 'down', reason: expect.stringContaining('database "nope" does not exist') });
    expect(await checkDatabase(stackWith({ POSTGRES_USER: '' }))).toMatchObject({ state: 'down', target: null, reason: expect.stringContaining('POSTGRES_USER is not set') });
  });

  it('a server that accepts but never answers: down after the connect timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      // A database that is not a stack service (no container to go through): host:port is the only way.
      const withPort = stackWith({ POSTGRES_PORT: String(port) });
      const r = await checkDatabase({ ...withPort, database: { ...withPort.database!, service: undefined } }, { connectTimeoutMs: 1000 });
      expect(r).toMatchObject({ state: 'down', reason: `No answer from PostgreSQL at 127.0.0.1:${port} within 1 s.` });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it('a server on POSTGRES_PORT that the database container does not publish is not taken for it', async () => {
    // Something else answers on the host (a PostgreSQL of the host's own, say): the stack's
    // database does not publish that port, so Opsdeck goes through the engine to the real one.
    const other = net.createServer(() => undefined);
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as net.AddressInfo).port;
    try {
      const r = await checkDatabase(stackWith({ POSTGRES_PORT: String(port) }));
      expect(r, r.state === 'down' ? r.reason : '').toMatchObject({ state: 'up', target: 'memos@postgres:5432/memos (through the Docker Engine)', schema: { version: '0.1.0' } });
    } finally {
      other.close();
    }
  });

  it('a stopped database: down saying it is not running, up again once started', async () => {
    const list = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${demo.projectName}`, 'com.docker.compose.service=postgres'] } });
    const pgContainer = docker.getContainer(list[0].Id);
    await pgContainer.stop();
    try {
      const r = await checkDatabase(stack);
      // Not published, so reached through the engine: its container is what is found not running
      // (on a direct address, "Nothing listens on host:port" says it: the case below).
      expect(r).toMatchObject({ state: 'down', target: 'memos@postgres:5432/memos (through the Docker Engine)', reason: expect.stringMatching(/^The postgres service of stack demo is not running \(its container is (exited|not running)\)\.$/) });
    } finally {
      await pgContainer.start();
    }
    const deadline = Date.now() + 60_000;
    let r = await checkDatabase(stack);
    while (r.state !== 'up' && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 500));
      r = await checkDatabase(stack);
    }
    expect(r.state).toBe('up');
  });

  it('a direct address where nothing listens: down with "nothing listens"', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise((r) => free.close(r));
    // Forced direct: in auto mode a refused address falls back to the engine (and finds it up).
    process.env.OPSDECK_REACH = 'direct';
    try {
      const r = await checkDatabase(stackWith({ POSTGRES_PORT: String(port) }));
      expect(r).toMatchObject({ state: 'down', target: `memos@127.0.0.1:${port}/memos`, reason: `Nothing listens on 127.0.0.1:${port}: PostgreSQL is not running, or listens on another port.` });
    } finally {
      delete process.env.OPSDECK_REACH;
    }
  });

  it('a stack without a database: "none", not an error', async () => {
    const generic: Stack = { ...stack, preset: 'generic', database: undefined };
    expect(await checkDatabase(generic)).toMatchObject({ state: 'none', reason: 'This stack has no database configured.' });
  });
});
