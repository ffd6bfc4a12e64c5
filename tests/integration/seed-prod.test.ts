/**
 * The stack as the seed's operators really run it: tests/fixtures/seed/docker/compose/prod.yml
 * (written from seed-ops.md: container names memos / memos-postgres, a bridge network, the
 * postgres:5432 DSN, only 5230 published, named volumes, limits, the seed's healthchecks), an env
 * file in deploy/aliyun/.env.prod and an opsdeck.yaml pointing at both, deployed and run through
 * Opsdeck on the test bed (Docker 26 in its own network namespace). The app image comes from the
 * bed's registry (127.0.0.1:5000 inside the namespace); 1.1.0 is pulled from it by the upgrade.
 * Runs with compose v2, and again with v1 (OPSDECK_COMPOSE=v1) in the test command's second pass.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, startBackupJob, startRestoreJob } from '@/lib/backup';
import { deployStack } from '@/lib/deploy/deploy';
import { upgradeHistory } from '@/lib/deploy/history';
import { runPreflight } from '@/lib/deploy/preflight';
import { upgradeApp } from '@/lib/deploy/upgrade';
import { inspectImage } from '@/lib/docker';
import { runCompose, resetComposeDetection } from '@/lib/docker/compose-cli';
import { eventsAfter, runJob } from '@/lib/jobs';
import { openLogSession, type LogLine } from '@/lib/logs';
import { checkDatabase } from '@/lib/postgres';
import { withPgClient } from '@/lib/postgres/client';
import { stackFetch } from '@/lib/reach/http';
import { clearStackCache, loadStacks, resolveDatabase } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { buildStackStatus } from '@/lib/status';
import { closeDb, openDb } from '@/lib/store';
import { freePort } from '../support/demo-stack';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'seed');
const REGISTRY = process.env.OPSDECK_TEST_REGISTRY ?? '127.0.0.1:5000';
const APP_REPO = `${REGISTRY}/opsdeck/demo-app`;
const HEALTH_MS = 90_000;
const docker = new Docker();
const project = `opsdeck-test-seed-${crypto.randomBytes(3).toString('hex')}`;
let dir: string;
let stack: Stack;
let appPort: number;

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const log = (jobId: string) => eventsAfter(jobId, 0).map((e) => e.text).join('\n');
const job = (kind: string, work: Parameters<typeof runJob>[1]) => runJob({ stack: stack.name, kind, title: kind, startedBy: 'tester' }, work);
const app = (p: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
  stackFetch(stack, `http://127.0.0.1:${appPort}${p}`, { timeoutMs: 10_000, ...init });
const version = async () => (await (await app('/api/version')).json()) as { version: string; schemaVersion: string };
const memos = async () => ((await (await app('/api/memos')).json()) as { content: string }[]).map((m) => m.content);

/** The registry holds 1.0.0, 1.1.0 and never-healthy; this engine keeps only 1.0.0 of its tags. */
function pushToRegistry(): void {
  for (const tag of ['1.0.0', '1.1.0', 'never-healthy']) {
    // An image of its own (one label more), not a second tag of the local one: a push gives the
    // pushed image a registry digest, and other tests check that the local images have none.
    execFileSync('docker', ['build', '-q', '-t', `${APP_REPO}:${tag}`, '-'], {
      input: `FROM opsdeck/demo-app:${tag}\nLABEL opsdeck.test-registry-copy=1\n`, env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    sh('docker', ['push', '-q', `${APP_REPO}:${tag}`]);
  }
  for (const tag of ['1.1.0', 'never-healthy']) sh('docker', ['rmi', `${APP_REPO}:${tag}`]);
}

beforeAll(async () => {
  // Fixed container names (the seed's): a copy left by an interrupted run would block this one.
  for (const name of ['memos', 'memos-postgres']) {
    const left = await docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } });
    for (const c of left) {
      const owner = c.Labels['com.docker.compose.project'] ?? '';
      if (!owner.startsWith('opsdeck-test-seed-')) throw new Error(`a container named ${name} belongs to ${owner || 'something else'}: stop it first`);
      await docker.getContainer(c.Id).remove({ force: true, v: true });
    }
  }
  pushToRegistry();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-seed-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  appPort = await freePort();
  const password = `seed-${crypto.randomBytes(9).toString('hex')}`;
  fs.mkdirSync(path.join(dir, 'deploy', 'aliyun'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'deploy', 'aliyun', '.env.prod'), [
    'POSTGRES_IMAGE=opsdeck/postgres:17',
    `MEMOS_IMAGE=${APP_REPO}:1.0.0`,
    'POSTGRES_DB=memos',
    'POSTGRES_USER=memos',
    `POSTGRES_PASSWORD=${password}`,
    // As in the seed's .env.prod: the app reaches the database by its service name.
    `MEMOS_DSN=postgres://memos:${password}@postgres:5432/memos?sslmode=disable`,
    `MEMOS_PORT=${appPort}`,
    `MEMOS_INSTANCE_URL=http://127.0.0.1:${appPort}`,
    'HEALTH_INTERVAL=2s',
    'TZ=UTC',
  ].join('\n') + '\n', { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'opsdeck.yaml'), [
    'stacks:',
    '  - name: memos',
    '    preset: memos',
    '    compose: docker/compose/prod.yml',
    '    envFile: deploy/aliyun/.env.prod',
    `    project: ${project}`,
    '    backups: { dir: backups }',
    // The demo's own migrations, the same the 1.1.0 image expects (no second copy in the fixture).
    `    app: { migrationsDir: ${path.resolve(__dirname, '..', '..', 'examples', 'demo', 'migrations')} }`,
  ].join('\n') + '\n');
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  process.env.OPSDECK_DATA_DIR = dataDir;
  process.env.OPSDECK_CONFIG = path.join(dir, 'opsdeck.yaml');
  clearStackCache();
  resetComposeDetection();
  openDb(path.join(dataDir, 'opsdeck.db'));
  [stack] = loadStacks({ cwd: dir, env: { OPSDECK_CONFIG: path.join(dir, 'opsdeck.yaml'), OPSDECK_DATA_DIR: dataDir } });
}, 180_000);

afterAll(async () => {
  if (stack) await runCompose({ projectName: project, composeFiles: stack.composeFiles, envFile: stack.envFile, cwd: dir }, ['down', '-v', '--remove-orphans']).catch(() => undefined);
  closeDb();
  delete process.env.OPSDECK_CONFIG;
  clearStackCache();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`the seed's prod.yml through Opsdeck (compose ${process.env.OPSDECK_COMPOSE ?? 'auto'})`, () => {
  it('pre-flight passes and the deploy brings the stack up healthy, with the seed’s names and network', async () => {
    const checks = await runPreflight(stack);
    const failed = checks.filter((c) => !c.ok);
    expect(failed, JSON.stringify(failed)).toEqual([]);
    const done = await job('deploy', (ctx) => deployStack(stack, ctx, { healthTimeoutMs: HEALTH_MS }));
    expect(done.status, `${done.summary}\n${log(done.id)}`).toBe('succeeded');
    const pgc = await docker.getContainer('memos-postgres').inspect();
    const appc = await docker.getContainer('memos').inspect();
    expect(pgc.Config.Labels['com.docker.compose.project']).toBe(project);
    expect(Object.keys(appc.NetworkSettings.Networks)).toEqual([`${project}_memos_network`]);
    expect(pgc.NetworkSettings.Ports['5432/tcp'] ?? null).toBeNull();
    expect(pgc.HostConfig.NanoCpus).toBe(1e9);
    expect(appc.HostConfig.Memory).toBe(1024 ** 3);
    expect(await version()).toEqual({ version: '1.0.0', schemaVersion: '0.1.0' });
  }, 240_000);

  it('status: both services healthy, PostgreSQL reached through the engine, the app probed the same way', async () => {
    expect(resolveDatabase(stack).via).toEqual({ service: 'postgres', host: '127.0.0.1', port: 5432 });
    const status = await buildStackStatus(stack);
    const byName = new Map(status.services.map((s) => [s.name, s]));
    expect(byName.get('postgres')?.state).toBe('running');
    const memosStatus = byName.get('memos')!;
    expect(memosStatus.instances[0]?.health).toBe('healthy');
    expect(memosStatus.probe?.ok, JSON.stringify(memosStatus.probe)).toBe(true);
    expect(memosStatus.version?.reported).toBe('1.0.0');
    const db = await checkDatabase(stack);
    expect(db).toMatchObject({ state: 'up', target: expect.stringContaining('through the Docker Engine') });
    if (db.state === 'up') {
      expect(db.serverVersion).toMatch(/^17\./);
      expect(db.vector.available).toBeTruthy();
      expect(db.schema.version).toBe('0.1.0');
    }
  }, 60_000);

  it('logs: the app’s request lines, by service', async () => {
    const id = `seed-${crypto.randomBytes(3).toString('hex')}`;
    expect((await app('/api/version', { headers: { 'X-Request-Id': id } })).ok).toBe(true);
    const session = await openLogSession(stack, { services: ['memos'], follow: false, tail: 200 });
    const lines: LogLine[] = [];
    try {
      for await (const batch of session.items) lines.push(...batch.filter((i): i is LogLine => i.kind === 'line'));
    } finally {
      session.close();
    }
    expect(lines.some((l) => l.text.includes(id))).toBe(true);
  }, 60_000);

  it('backup, then restore: a memo written after the backup is gone, the app healthy again', async () => {
    expect((await app('/api/memos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"kept by the backup"}' })).status).toBe(201);
    const b = await startBackupJob(stack, { by: 'tester' }).done;
    expect(b.status, `${b.summary}\n${log(b.id)}`).toBe('succeeded');
    const [entry] = listBackups(stack);
    expect(entry.manifest.postgresVersion).toMatch(/^17\./);
    expect((await app('/api/memos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"after the backup"}' })).status).toBe(201);
    const r = await startRestoreJob(stack, entry.id, 'tester', { healthTimeoutMs: HEALTH_MS }).done;
    expect(r.status, `${r.summary}\n${log(r.id)}`).toBe('succeeded');
    const now = await memos();
    expect(now).toContain('kept by the backup');
    expect(now).not.toContain('after the backup');
  }, 300_000);

  it('upgrade 1.0.0 → 1.1.0 pulled from the registry: progress in the job log, migration applied, digest known', async () => {
    expect(await inspectImage(`${APP_REPO}:1.1.0`)).toBeNull();
    const done = await job('upgrade', (ctx) => upgradeApp(stack, { targetTag: '1.1.0', runMigrations: true, healthTimeoutMs: HEALTH_MS }, ctx));
    const text = log(done.id);
    expect(done.status, `${done.summary}\n${text}`).toBe('succeeded');
    expect(text).toMatch(/Pull complete|Downloaded newer image|Status: /);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect(await memos()).toContain('kept by the backup');
    const pulled = await inspectImage(`${APP_REPO}:1.1.0`);
    expect(pulled?.repoDigests.some((d) => d.startsWith(`${APP_REPO}@sha256:`))).toBe(true);
    const [h] = upgradeHistory(stack.name);
    expect(h).toMatchObject({ result: 'succeeded', fromRef: `${APP_REPO}:1.0.0`, toRef: `${APP_REPO}:1.1.0`, toImageId: pulled!.id, migrations: ['0.2.0'] });
    expect(h.toDigest).toBe(pulled!.repoDigests.find((d) => d.startsWith(`${APP_REPO}@sha256:`)));
  }, 300_000);

  it('a tag the registry does not have is refused before any change', async () => {
    const checks = await runPreflight({ ...stack });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const done = await job('upgrade', (ctx) => upgradeApp(stack, { targetTag: '9.9.9', runMigrations: true, healthTimeoutMs: HEALTH_MS }, ctx));
    expect(done.status).toBe('failed');
    expect(done.summary).toMatch(/aborted before any change/);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
  }, 120_000);

  it('a failed upgrade (never healthy) is rolled back to 1.1.0 with the data', async () => {
    const done = await job('upgrade', (ctx) => upgradeApp(stack, { targetTag: 'never-healthy', runMigrations: true, healthTimeoutMs: 20_000 }, ctx));
    expect(done.status, log(done.id)).toBe('failed');
    expect(`${done.summary}\n${log(done.id)}`).toMatch(/rolled back/i);
    expect(await version()).toEqual({ version: '1.1.0', schemaVersion: '0.2.0' });
    expect(await memos()).toContain('kept by the backup');
    const rows = await withPgClient(stack, resolveDatabase(stack), {}, async (c) => (await c.query<{ n: string }>('SELECT count(*)::text AS n FROM memo')).rows[0].n);
    expect(Number(rows)).toBeGreaterThan(0);
  }, 300_000);
});
