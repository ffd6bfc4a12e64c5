/**
 * Backup and restore of a Swarm stack's database on the three-node cluster of scripts/swarm-bed.sh:
 * PostgreSQL runs as one task pinned to swarm2 (a worker), the manager is swarm1, so every dump,
 * load and rename goes through swarm2's own engine (opsdeck.yaml `swarm.nodes`). Rows written, a
 * verified backup, rows changed, the safe restore (the app scaled to 0 and back around the swap)
 * bringing back exactly the backed-up rows with the previous database kept for undo, a restore
 * failing its health gate swapped back, and on the Swarm upgrade path the pre-upgrade backup, restored
 * when a migration fails after another committed. The status page's PostgreSQL check and app probe
 * reach the tasks on their nodes too.
 * Runs only when the cluster is up (OPSDECK_SWARM_BED=1, set by `swarm-bed.sh env`; see vitest.config).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupJob, startRestoreJob, startUndoRestoreJob } from '@/lib/backup/backup-jobs';
import { getBackup, listBackups } from '@/lib/backup/catalogue';
import { listKeptDatabases } from '@/lib/backup/databases';
import { swarmSnapshot } from '@/lib/docker/swarm';
import { deploySwarmStack } from '@/lib/docker/swarm-deploy';
import { upgradeHistory } from '@/lib/deploy/history';
import { upgradeSwarmApp } from '@/lib/deploy/swarm-upgrade';
import { eventsAfter, runJob } from '@/lib/jobs';
import { checkDatabase } from '@/lib/postgres';
import { pgQuery, pgTools } from '@/lib/postgres/tools';
import { loadStacks } from '@/lib/stacks';
import { buildStackStatus } from '@/lib/status/snapshot';
import type { Stack } from '@/lib/stacks/types';
import { closeDb, openDb } from '@/lib/store/db';
import { onEngine, removeLastRun, SWARM_ENGINES, SWARM_MANAGER, until, writeSwarmConfig } from '../support/swarm-cluster';

const ENGINES = SWARM_ENGINES;
const MANAGER = SWARM_MANAGER;
const PROJECT = 'opsdeck-test-swarmdb';
let dir: string;
let stack: Stack;

const running = async (service: string) => {
  const s = (await swarmSnapshot(stack)).services.find((x) => x.name === service);
  return s ? s.tasks.filter((t) => t.state === 'running' && t.desiredState === 'running') : [];
};
const sql = (query: string) => pgQuery(pgTools(stack), 'memos', query);
const rows = async () => (await sql('SELECT id, note FROM probe ORDER BY id')).map(([id, note]) => `${id}:${note}`);
const logOf = (id: string) => eventsAfter(id, 0).map((e) => e.text).join('\n');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-swarmdb-'));
  openDb(path.join(dir, 'opsdeck.db'));
  // The stack file's own defaults go in the env file Opsdeck reads the credentials from. The schema
  // version is read through the engine relay in the database task's container (lib/docker/tunnel.ts, on swarm2).
  const config = writeSwarmConfig(dir, { name: 'swarm-db', project: PROJECT, app: "{ service: memos, schemaVersionQuery: 'SELECT v FROM app_version' }" });
  [stack] = loadStacks({ cwd: dir, env: { OPSDECK_CONFIG: config } });
  await removeLastRun(PROJECT);
  const r = await deploySwarmStack(stack);
  expect(r.code, r.output).toBe(0);
  await until('memos 2/2 and postgres 1/1', async () => (await running('memos')).length === 2 && (await running('postgres')).length === 1, 240_000);
}, 480_000);

afterAll(async () => {
  onEngine(MANAGER, 'stack', 'rm', PROJECT);
  closeDb();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore of the pinned database of a Swarm stack', () => {
  it('refuses, naming the node, when Opsdeck has no engine for the node running the database', async () => {
    expect((await running('postgres')).map((t) => t.node)).toEqual(['swarm2']);
    const blind: Stack = { ...stack, swarm: { manager: MANAGER, nodes: { swarm3: ENGINES[2] } } };
    const job = await startBackupJob(blind, { by: 'tester' }).done;
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/runs on node swarm2, and Opsdeck has no engine address for that node: add it under swarm\.nodes/);
    expect(listBackups(stack)).toEqual([]);
  });

  let backupId = '';

  it('takes a verified backup through the engine of swarm2', async () => {
    // Retried: the database may still be finishing its first start when the task is reported running.
    await until('the probe table', () => sql("CREATE TABLE probe (id int PRIMARY KEY, note text); INSERT INTO probe VALUES (1, 'one'), (2, 'two'), (3, 'three')"), 60_000);
    await sql("CREATE TABLE app_version (v text); INSERT INTO app_version VALUES ('0.5.0')");
    const job = await startBackupJob(stack, { by: 'tester' }).done;
    expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
    const [entry] = listBackups(stack);
    backupId = entry.id;
    expect(entry.manifest).toMatchObject({ format: 'opsdeck-backup/1', dumpFormat: 'custom', database: 'memos', reason: 'manual', schemaVersion: '0.5.0', verified: { ok: true, method: 'pg_restore --list' } });
    expect(entry.manifest.verified.entries).toBeGreaterThan(0);
    expect(crypto.createHash('sha256').update(fs.readFileSync(entry.dumpPath)).digest('hex')).toBe(entry.manifest.sha256);
    expect(fs.statSync(entry.dumpPath).size).toBe(entry.manifest.size);
  }, 120_000);

  it("the status page's PostgreSQL check and app probe reach the tasks on their nodes", async () => {
    // Through the engine relay in the postgres task's container on swarm2 (the manager is swarm1).
    const db = await checkDatabase(stack);
    expect(db, JSON.stringify(db)).toMatchObject({ state: 'up', database: 'memos', target: 'memos@postgres:5432/memos (through the Docker Engine)', schema: { version: '0.5.0', note: null } });
    expect(db.state === 'up' ? db.serverVersion : '').toMatch(/^17\./);
    // No engine for swarm2: the panel says which node and which key to add, not a connection error,
    // even with something else answering on the configured loopback port (a PostgreSQL of the host):
    // the manager says the service publishes nothing there, so that is not the stack's database.
    const decoy = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
    try {
      const blind: Stack = { ...stack, database: { ...stack.database!, port: (decoy.address() as net.AddressInfo).port }, swarm: { manager: MANAGER, nodes: { swarm3: ENGINES[2] } } };
      expect(await checkDatabase(blind)).toMatchObject({ state: 'down', reason: expect.stringMatching(/^The postgres task of stack swarm-db runs on node swarm2, and Opsdeck has no engine address for that node: add it under swarm\.nodes/) });
    } finally {
      decoy.close();
    }
    // The app's health URL, asked from inside its first running task (the demo app listens on 5230, published nowhere).
    const status = await buildStackStatus({ ...stack, app: { ...stack.app!, healthUrl: 'http://127.0.0.1:5230/healthz' } });
    const app = status.services.find((s) => s.name === 'memos');
    expect(app?.probe, JSON.stringify(status.services)).toMatchObject({ ok: true, httpStatus: 200, url: 'http://127.0.0.1:5230/healthz' });
    expect(app?.version?.reported).toBe('1.0.0');
  }, 60_000);

  it('restores exactly the backed-up rows, the app scaled to 0 and back to 2, the previous database kept for undo', async () => {
    await sql("DELETE FROM probe WHERE id = 1; UPDATE probe SET note = 'changed' WHERE id = 2; INSERT INTO probe VALUES (4, 'four')");
    expect(await rows()).toEqual(['2:changed', '3:three', '4:four']);
    const job = await startRestoreJob(stack, backupId, 'tester', { healthTimeoutMs: 120_000 }).done;
    const log = logOf(job.id);
    expect(job.status, `${job.summary}\n${log}`).toBe('succeeded');
    // pg_restore in a helper container beside the database task's, on swarm2's engine.
    for (const step of ['Checksum matches', 'Restoring into a new database memos__restore_', '(pg_restore ran beside the postgres container)', 'Stopping the app (memos)', 'Stopped 2 memos container(s).', 'Swapping databases', 'The app is healthy']) expect(log).toContain(step);
    expect(await rows()).toEqual(['1:one', '2:two', '3:three']);
    expect((await running('memos')).length).toBe(2);
    const kept = await listKeptDatabases(pgTools(stack));
    expect(kept.map((k) => k.name)).toEqual([expect.stringMatching(new RegExp(`^memos__kept_\\d{8}_\\d{6}_${job.id}$`))]);
    expect(job.summary).toContain(kept[0].name);

    // Undo puts the changed rows back.
    const undo = await startUndoRestoreJob(stack, kept[0].name, 'tester', { healthTimeoutMs: 120_000 }).done;
    expect(undo.status, `${undo.summary}\n${logOf(undo.id)}`).toBe('succeeded');
    expect(await rows()).toEqual(['2:changed', '3:three', '4:four']);
    expect((await running('memos')).length).toBe(2);
  }, 300_000);

  it('a restore whose app is not back within its health gate is swapped back: the live rows are unchanged', async () => {
    const keptBefore = (await listKeptDatabases(pgTools(stack))).map((k) => k.name);
    // 1 ms: the app's tasks cannot be running again that soon, so the gate fails after the swap.
    const job = await startRestoreJob(stack, backupId, 'tester', { healthTimeoutMs: 1 }).done;
    const log = logOf(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/did not become healthy .* The previous database was put back/);
    expect(log).toContain('Swapping back');
    expect(log).toContain('The previous database is live again as memos.');
    expect(await rows()).toEqual(['2:changed', '3:three', '4:four']);
    expect((await listKeptDatabases(pgTools(stack))).map((k) => k.name)).toEqual(keptBefore);
    await until('memos 2/2 again', async () => (await running('memos')).length === 2, 120_000);
  }, 300_000);

  const upgrade = (target: Stack, runMigrations: boolean) =>
    runJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'tester' }, (ctx) =>
      upgradeSwarmApp(target, { targetTag: '1.1.0', runMigrations, healthTimeoutMs: 240_000, monitorMs: 3000 }, ctx));

  it('a migration failing after another committed: the pre-upgrade backup is restored, the app stays on 1.0.0', async () => {
    const migrations = fs.mkdtempSync(path.join(dir, 'migrations-'));
    fs.writeFileSync(path.join(migrations, '0.9.0__note.sql'), "INSERT INTO probe VALUES (90, 'migrated'); UPDATE app_version SET v = '0.9.0';");
    fs.writeFileSync(path.join(migrations, '0.9.1__broken.sql'), 'ALTER TABLE no_such_table ADD COLUMN x int;');
    const before = await rows();
    const job = await upgrade({ ...stack, app: { ...stack.app!, migrationsDir: migrations } }, true);
    const log = logOf(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/failed before the app changed \(Migration 0\.9\.1 failed and was rolled back: .*\); the database was restored from the pre-upgrade backup swarm-db-/);
    expect(log).toContain('Applying migration 0.9.0');
    expect(log).toContain('Stopping the app (memos)');
    expect(await rows()).toEqual(before);
    expect(await sql('SELECT v FROM app_version')).toEqual([['0.5.0']]);
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ result: 'rolled-back', migrations: ['0.9.0'], schemaBefore: '0.5.0', schemaAfter: '0.5.0' });
    expect((await running('memos')).map((t) => t.image)).toEqual(['opsdeck/demo-app:1.0.0', 'opsdeck/demo-app:1.0.0']);
  }, 300_000);

  it('a Swarm upgrade takes the same verified pre-upgrade backup before changing anything', async () => {
    const job = await upgrade(stack, false);
    const log = logOf(job.id);
    expect(job.status, `${job.summary}\n${log}`).toBe('succeeded');
    const [last] = upgradeHistory(stack.name);
    expect(last).toMatchObject({ toRef: 'opsdeck/demo-app:1.1.0', result: 'succeeded', schemaBefore: '0.5.0' });
    const backup = getBackup(stack, last.backupId!);
    expect(backup.manifest).toMatchObject({ reason: 'pre-upgrade', appVersion: 'opsdeck/demo-app:1.0.0', schemaVersion: '0.5.0', verified: { ok: true } });
    // Taken before the rolling update started.
    expect(log.indexOf('Taking a verified backup before anything changes')).toBeLessThan(log.indexOf('Swarm updates memos task by task'));
  }, 300_000);
});
