import { execFileSync } from 'node:child_process';
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
import { versionPanel } from '@/lib/deploy/versions';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const HEALTH_MS = 45_000;
let demo: DemoStack;
let stack: Stack;
let dataDir: string;

const version = async () => (await (await demo.http('/api/version')).json()) as { version: string; schemaVersion: string };
const memos = async () => (await (await demo.http('/api/memos')).json()) as { content: string }[];
const upgrade = (s: Stack, targetTag: string, runMigrations = true) =>
  runJob({ stack: s.name, kind: 'upgrade', title: `Upgrade to ${targetTag}`, startedBy: 'tester' }, (ctx) => upgradeApp(s, { targetTag, runMigrations, healthTimeoutMs: HEALTH_MS }, ctx));

const appContainer = () =>
  execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${demo.projectName}`, '--filter', 'label=com.docker.compose.service=memos'], { encoding: 'utf8' }).trim();
const log = (jobId: string) => eventsAfter(jobId, 0).map((e) => e.text).join('\n');
async function sql(text: string): Promise<unknown[]> {
  const c = await demo.pg();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}
/** A migrations directory of its own for one case: { file name: SQL }. */
function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-migrations-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
const withMigrations = (files: Record<string, string>): Stack => ({ ...stack, app: { ...stack.app!, migrationsDir: migrationsDir(files) } });
const post = (content: string) => demo.http('/api/memos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content }) });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-upgrade-'));
  process.env.OPSDECK_DATA_DIR = dataDir;
  openDb(path.join(dataDir, 'opsdeck.db'));
  demo = await startDemoStack({ appTag: '1.0.0' });
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DATA_DIR: dataDir, OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
  expect((await post('written on 1.0.0')).status).toBe(201);
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
    const v = await versionPanel(stack);
    expect(v.imageChanged).toMatchObject({ what: 'upgrade opsdeck/demo-app:1.0.0 → opsdeck/demo-app:1.1.0', by: 'tester' });
    expect(v.schemaChanged).toMatchObject({ what: '0.1.0 → 0.2.0 (migration 0.2.0)', by: 'tester' });
  }, 300_000);

  it('rolls back to the previous version after a successful upgrade, the data through the safe restore', async () => {
    const job = await runJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'tester' }, (ctx) => rollbackLastUpgrade(stack, ctx, { healthTimeoutMs: HEALTH_MS }));
    expect(job.status, job.summary ?? '').toBe('succeeded');
    expect(await version()).toEqual({ version: '1.0.0', schemaVersion: '0.1.0' });
    expect((await memos()).map((m) => m.content)).toContain('written on 1.0.0');
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ kind: 'rollback', result: 'succeeded', toRef: 'opsdeck/demo-app:1.0.0' });
    const v = await versionPanel(stack);
    expect(v.imageChanged?.what).toBe('rollback opsdeck/demo-app:1.1.0 → opsdeck/demo-app:1.0.0');
    expect(v.schemaChanged?.what).toBe('0.2.0 → 0.1.0 (pre-upgrade backup restored)');
  }, 300_000);

  it('Docker unreachable mid-job (1.0.0 → 1.1.0, after the migration committed): a clear failure, the state reported, and a retry works', async () => {
    const real = fs.readFileSync(path.join(REPO, 'examples', 'demo', 'migrations', '0.2.0__pinned_and_tags.sql'), 'utf8');
    // The demo's own 0.2.0 migration, slowed down so the engine can be cut while it runs.
    const slow = withMigrations({ '0.2.0__pinned_and_tags.sql': `SELECT pg_sleep(4);\n${real}` });
    const before = appContainer();
    const saved = process.env.DOCKER_HOST;
    const { job, done } = startJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'tester' }, (ctx) => upgradeApp(slow, { targetTag: '1.1.0', runMigrations: true, healthTimeoutMs: HEALTH_MS }, ctx));
    await expect.poll(() => log(job.id).includes('Applying migration 0.2.0'), { timeout: 120_000, interval: 50 }).toBe(true);
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    let failed;
    try {
      failed = await done;
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(failed.status).toBe('failed');
    expect(failed.summary).toMatch(/^Upgrade to opsdeck\/demo-app:1\.1\.0 failed \(Docker is not reachable at unix:\/\/\/nonexistent\/docker\.sock/);
    expect(failed.summary).toMatch(/automatic rollback could not finish.*Migration\(s\) 0\.2\.0 committed.*pre-upgrade backup is \S+/);
    // Compose never reached the engine: the old container still serves 1.0.0, on the migrated data.
    expect(appContainer()).toBe(before);
    expect((await version()).version).toBe('1.0.0');
    expect(await readSchemaVersion(stack)).toBe('0.2.0');
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'failed', migrations: ['0.2.0'], toRef: 'opsdeck/demo-app:1.1.0' });
    const retry = await upgrade(stack, '1.1.0');
    expect(retry.status, retry.summary ?? '').toBe('succeeded');
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect((await memos()).map((m) => m.content)).toContain('written on 1.0.0');
  }, 300_000);

  it('1.1.0 → never-healthy: rolled back automatically to 1.1.0, with its data, healthy; the failure names the service and its last log lines', async () => {
    await post('written on 1.1.0');
    const job = await upgrade(stack, 'never-healthy');
    expect(job.status).toBe('failed');
    expect(job.summary, log(job.id)).toMatch(/failed \(Health check failed after \d+ s: memos: \w+\.\) and was rolled back to opsdeck\/demo-app:1\.1\.0/);
    expect(job.errorDetail).toMatch(/^Last log lines of memos:\n/);
    expect(job.errorDetail).toContain('this release never becomes ready');
    expect(log(job.id)).toContain('Last log lines of memos:');
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect((await memos()).map((m) => m.content)).toEqual(expect.arrayContaining(['written on 1.0.0', 'written on 1.1.0']));
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'rolled-back', toRef: 'opsdeck/demo-app:never-healthy', migrations: [] });
  }, 300_000);

  it('migrations ran, then the health gate fails: the database is restored from the pre-upgrade backup too', async () => {
    const bumps = withMigrations({ '0.3.0__bump.sql': "UPDATE system_setting SET value = '0.3.0' WHERE name = 'schema_version';\n" });
    const job = await upgrade(bumps, 'never-healthy');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/rolled back to opsdeck\/demo-app:1\.1\.0/);
    expect(log(job.id)).toMatch(/Migration\(s\) 0\.3\.0 committed \(schema 0\.2\.0 → 0\.3\.0\): restoring the pre-upgrade backup/);
    expect(log(job.id)).toContain('and the database was restored from the pre-upgrade backup');
    expect(await readSchemaVersion(stack)).toBe('0.2.0');
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect((await memos()).map((m) => m.content)).toEqual(expect.arrayContaining(['written on 1.0.0', 'written on 1.1.0']));
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'rolled-back', migrations: ['0.3.0'], schemaBefore: '0.2.0', schemaAfter: '0.2.0' });
  }, 400_000);

  it('migration A commits (no version bump), migration B fails: the backup is restored, A is gone, app on the old version with its data', async () => {
    const two = withMigrations({
      '0.3.0__a.sql': 'CREATE TABLE first_file_applied (id int);\n',
      '0.3.1__b.sql': 'CREATE TABLE second_file (id int);\nSELECT no_such_function();\n',
    });
    const job = await upgrade(two, '1.1.0');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/Migration 0\.3\.1 failed and was rolled back.*rolled back to opsdeck\/demo-app:1\.1\.0/);
    expect(log(job.id)).toMatch(/Migration\(s\) 0\.3\.0 committed \(schema 0\.2\.0 → 0\.2\.0\): restoring the pre-upgrade backup/);
    expect(await sql("SELECT to_regclass('public.first_file_applied') AS a, to_regclass('public.second_file') AS b")).toEqual([{ a: null, b: null }]);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect((await memos()).map((m) => m.content)).toEqual(expect.arrayContaining(['written on 1.0.0', 'written on 1.1.0']));
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'rolled-back', migrations: ['0.3.0'] });
  }, 400_000);

  it('a migration that fails halfway leaves nothing half-applied and the app on the old version', async () => {
    const broken = withMigrations({ '0.3.0__half.sql': 'CREATE TABLE half_applied (id int);\nSELECT no_such_function();\n' });
    const job = await upgrade(broken, '1.1.0');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/Migration 0\.3\.0 failed and was rolled back/);
    expect(await sql("SELECT to_regclass('public.half_applied') AS t")).toEqual([{ t: null }]);
    expect(await readSchemaVersion(stack)).toBe('0.2.0');
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    // Nothing committed, so no restore was needed.
    expect(log(job.id)).not.toContain('restoring the pre-upgrade backup');
  }, 300_000);

  it('a typed tag that cannot be pulled: aborted before any change, not reported as rolled back', async () => {
    const before = appContainer();
    const job = await upgrade(stack, '9.9.9-nope');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/^Upgrade to opsdeck\/demo-app:9\.9\.9-nope aborted before any change: Could not pull opsdeck\/demo-app:9\.9\.9-nope/);
    expect(job.summary).not.toMatch(/rolled back/i);
    expect(appContainer()).toBe(before);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'failed', toRef: 'opsdeck/demo-app:9.9.9-nope', toImageId: null, migrations: [] });
  }, 120_000);

  it('the pre-upgrade backup fails: aborted, nothing changed', async () => {
    const blocker = path.join(dataDir, 'not-a-directory');
    fs.writeFileSync(blocker, 'a file where the backup folder should be');
    const noBackups: Stack = { ...stack, backupDir: path.join(blocker, 'backups') };
    const before = appContainer();
    const job = await upgrade(noBackups, '1.0.0');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/^Upgrade aborted before any change: the pre-upgrade backup failed/);
    expect(log(job.id)).not.toContain('Making sure');
    expect(appContainer()).toBe(before);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'failed', toRef: 'opsdeck/demo-app:1.0.0', backupId: null });
  }, 120_000);

  it('two upgrades at once: one runs, the other is refused with the holder named', async () => {
    const first = startJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'alice' }, (ctx) => upgradeApp(stack, { targetTag: '1.1.0', runMigrations: false, healthTimeoutMs: HEALTH_MS }, ctx));
    expect(() => startJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'bob' }, async () => 'never')).toThrow(
      new RegExp(`Stack demo is busy: upgrade #${first.job.id} started by alice`),
    );
    const done = await first.done;
    expect(done.status, `${done.summary}\n${log(done.id)}`).toBe('succeeded');
  }, 300_000);
});
