import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '@/lib/store';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { eventsAfter, runJob, startJob } from '@/lib/jobs';
import { upgradeApp, rollbackLastUpgrade } from '@/lib/deploy/upgrade';
import { upgradeHistory } from '@/lib/deploy/history';
import { readSchemaVersion } from '@/lib/deploy/migrations';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const HEALTH_MS = 45_000;
let demo: DemoStack;
let stack: Stack;
let dataDir: string;

const version = async () => (await (await fetch(`${demo.appUrl}/api/version`)).json()) as { version: string; schemaVersion: string };
const memos = async () => (await (await fetch(`${demo.appUrl}/api/memos`)).json()) as { content: string }[];
const upgrade = (s: Stack, targetTag: string, runMigrations = true) =>
  runJob({ stack: s.name, kind: 'upgrade', title: `Upgrade to ${targetTag}`, startedBy: 'tester' }, (ctx) => upgradeApp(s, { targetTag, runMigrations, healthTimeoutMs: HEALTH_MS }, ctx));

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-upgrade-'));
  process.env.OPSDECK_DATA_DIR = dataDir;
  openDb(path.join(dataDir, 'opsdeck.db'));
  demo = await startDemoStack({ appTag: '1.0.0' });
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DATA_DIR: dataDir, OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
  await fetch(`${demo.appUrl}/api/memos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'written on 1.0.0' }) });
}, 240_000);

afterAll(async () => {
  await demo?.down();
});

describe('upgrade with health gate and automatic rollback (real engine and PostgreSQL)', () => {
  it('1.0.0 → 1.1.0: migration applied, rows kept, app healthy, history recorded', async () => {
    const job = await upgrade(stack, '1.1.0');
    expect(job.status, job.summary ?? '').toBe('succeeded');
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect((await memos()).map((m) => m.content)).toContain('written on 1.0.0');
    const [h] = upgradeHistory(stack.name);
    expect(h).toMatchObject({ kind: 'upgrade', result: 'succeeded', fromRef: 'opsdeck/demo-app:1.0.0', toRef: 'opsdeck/demo-app:1.1.0', migrations: ['0.2.0'], schemaBefore: '0.1.0', schemaAfter: '0.2.0', startedBy: 'tester' });
    expect(h.backupId).toBeTruthy();
  }, 300_000);

  it('rolls back to the previous version after a successful upgrade, the data through the safe restore', async () => {
    const job = await runJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'tester' }, (ctx) => rollbackLastUpgrade(stack, ctx, { healthTimeoutMs: HEALTH_MS }));
    expect(job.status, job.summary ?? '').toBe('succeeded');
    expect(await version()).toEqual({ version: '1.0.0', schemaVersion: '0.1.0' });
    expect((await memos()).map((m) => m.content)).toContain('written on 1.0.0');
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ kind: 'rollback', result: 'succeeded', toRef: 'opsdeck/demo-app:1.0.0' });
    // Back to 1.1.0 for the next cases.
    expect((await upgrade(stack, '1.1.0')).status).toBe('succeeded');
  }, 300_000);

  it('1.1.0 → never-healthy: rolled back automatically to 1.1.0, with its data, healthy', async () => {
    await fetch(`${demo.appUrl}/api/memos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'written on 1.1.0' }) });
    const job = await upgrade(stack, 'never-healthy');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/failed \(Health check failed.*rolled back to opsdeck\/demo-app:1\.1\.0/);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect((await memos()).map((m) => m.content)).toEqual(expect.arrayContaining(['written on 1.0.0', 'written on 1.1.0']));
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'rolled-back', toRef: 'opsdeck/demo-app:never-healthy' });
  }, 300_000);

  it('a migration that fails halfway leaves nothing half-applied and the app on the old version', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-migrations-'));
    fs.writeFileSync(path.join(dir, '0.3.0__half.sql'), 'CREATE TABLE half_applied (id int);\nSELECT no_such_function();\n');
    const broken: Stack = { ...stack, app: { ...stack.app!, migrationsDir: dir } };
    const job = await upgrade(broken, '1.1.0');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/Migration 0\.3\.0 failed and was rolled back/);
    const { default: pg } = await import('pg');
    const c = new pg.Client({ host: '127.0.0.1', port: demo.pgPort, ...demo.postgres, database: demo.postgres.database });
    await c.connect();
    const t = await c.query("SELECT to_regclass('public.half_applied') AS t");
    await c.end();
    expect(t.rows[0].t).toBeNull();
    expect(await readSchemaVersion(stack)).toBe('0.2.0');
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
  }, 300_000);

  it('two upgrades at once: one runs, the other is refused with the holder named', async () => {
    const first = startJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'alice' }, (ctx) => upgradeApp(stack, { targetTag: '1.1.0', runMigrations: false, healthTimeoutMs: HEALTH_MS }, ctx));
    expect(() => startJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'bob' }, async () => 'never')).toThrow(
      new RegExp(`Stack demo is busy: upgrade #${first.job.id} started by alice`),
    );
    expect((await first.done).status).toBe('succeeded');
  }, 300_000);

  it('Docker unreachable mid-job: the job fails with a clear message, and a retry works', async () => {
    const saved = process.env.DOCKER_HOST;
    const { job, done } = startJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'tester' }, (ctx) => upgradeApp(stack, { targetTag: '1.1.0', runMigrations: false, healthTimeoutMs: HEALTH_MS }, ctx));
    // Cut the engine off once the backup is done, i.e. in the middle of the job.
    await expect.poll(() => eventsAfter(job.id, 0).some((e) => e.text.includes('is present')), { timeout: 120_000, interval: 50 }).toBe(true);
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    const failed = await done;
    process.env.DOCKER_HOST = saved;
    if (saved === undefined) delete process.env.DOCKER_HOST;
    expect(failed.status).toBe('failed');
    expect(failed.summary).toContain('Docker is not reachable at unix:///nonexistent/docker.sock');
    const retry = await upgrade(stack, '1.1.0', false);
    expect(retry.status, retry.summary ?? '').toBe('succeeded');
  }, 300_000);

});
