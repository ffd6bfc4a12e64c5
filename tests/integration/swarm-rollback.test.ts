/**
 * The deploy tab of a Swarm stack and "Roll back" of a finished Swarm upgrade, on the three-node
 * cluster of scripts/swarm-bed.sh: the version panel and the upgrade form read the app service's
 * spec on the manager, its tasks (slot@node → image) and the tags present on the nodes; an upgrade
 * 1.0.0 → 1.1.0 with the demo's migration, then "Roll back": every task on 1.0.0 again, the data
 * back to the pre-upgrade backup (1.0.0 refuses the 0.2.0 schema), and each history entry records
 * which task ran which image. An upgrade that leaves the data alone is rolled back by a rolling update,
 * followed task by task.
 * Runs only when the cluster is up (OPSDECK_SWARM_BED=1, set by `swarm-bed.sh env`; see vitest.config).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeptDatabases } from '@/lib/backup/databases';
import { upgradeHistory } from '@/lib/deploy/history';
import { readSchemaVersion } from '@/lib/deploy/migrations';
import { rollbackLastUpgrade, upgradeApp } from '@/lib/deploy/upgrade';
import { swarmSnapshot } from '@/lib/docker/swarm';
import { deploySwarmStack } from '@/lib/docker/swarm-deploy';
import { eventsAfter, runJob } from '@/lib/jobs';
import { pgQuery, pgTools } from '@/lib/postgres/tools';
import { loadStacks } from '@/lib/stacks';
import { MEMOS_SCHEMA_VERSION_QUERY } from '@/lib/stacks/presets';
import type { Stack } from '@/lib/stacks/types';
import { closeDb, openDb } from '@/lib/store/db';
import { loadDeployView } from '@/lib/views/deploy';
import { onEngine, removeLastRun, REPO, SWARM_ENGINES, SWARM_MANAGER, until, writeSwarmConfig } from '../support/swarm-cluster';

const ENGINES = SWARM_ENGINES;
const MANAGER = SWARM_MANAGER;
const PROJECT = 'opsdeck-test-swarmup';
const V1 = 'opsdeck/demo-app:1.0.0';
const V11 = 'opsdeck/demo-app:1.1.0';
const V101 = 'opsdeck/demo-app:1.0.1';
// Swarm watches each new task this long before the next: short, the tasks' health check already gated them.
const TIMING = { healthTimeoutMs: 240_000, monitorMs: 2000 };
let dir: string;
let stack: Stack;
let savedLookup: string | undefined;

const running = async (service: string) => {
  const s = (await swarmSnapshot(stack)).services.find((x) => x.name === service);
  return s ? s.tasks.filter((t) => t.state === 'running' && t.desiredState === 'running') : [];
};
const sql = (query: string) => pgQuery(pgTools(stack), 'memos', query);
const probe = async () => (await sql('SELECT note FROM probe ORDER BY id')).map(([note]) => note);
const logOf = (id: string) => eventsAfter(id, 0).map((e) => e.text).join('\n');

beforeAll(async () => {
  // The demo image's repository is on no registry reachable from here: the tags come from the nodes.
  savedLookup = process.env.OPSDECK_REGISTRY_LOOKUP;
  process.env.OPSDECK_REGISTRY_LOOKUP = 'off';
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-swarmup-'));
  openDb(path.join(dir, 'opsdeck.db'));
  // The demo app's own schema version (1.0.0 writes 0.1.0, the 0.2.0 migration moves it).
  const config = writeSwarmConfig(dir, {
    name: 'swarm-up',
    project: PROJECT,
    app: `{ service: memos, migrationsDir: ${path.join(REPO, 'examples/demo/migrations')}, schemaVersionQuery: "${MEMOS_SCHEMA_VERSION_QUERY}" }`,
  });
  [stack] = loadStacks({ cwd: dir, env: { OPSDECK_CONFIG: config } });
  await removeLastRun(PROJECT);
  const r = await deploySwarmStack(stack);
  expect(r.code, r.output).toBe(0);
  await until('memos 2/2 and postgres 1/1', async () => (await running('memos')).length === 2 && (await running('postgres')).length === 1, 240_000);
  await until('the app wrote its schema 0.1.0', async () => (await readSchemaVersion(stack)) === '0.1.0', 60_000);
}, 480_000);

afterAll(async () => {
  if (savedLookup === undefined) delete process.env.OPSDECK_REGISTRY_LOOKUP;
  else process.env.OPSDECK_REGISTRY_LOOKUP = savedLookup;
  onEngine(MANAGER, 'stack', 'rm', PROJECT);
  // Only the tag: the image stays as 1.0.0.
  for (const e of ENGINES) onEngine(e, 'rmi', V101);
  closeDb();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('deploy tab and Roll back of a Swarm stack', () => {
  it('the version panel and the upgrade form read the service spec, its tasks per node and the tags on the nodes', async () => {
    const view = await loadDeployView(stack);
    expect(view.versions.app).toMatchObject({ service: 'memos', ref: V1, version: '1.0.0', imageId: expect.stringMatching(/^sha256:/) });
    expect(view.versions.swarm?.manager).toBe(MANAGER);
    expect(view.versions.engine).toMatch(/^\d+\./);
    const tasks = view.versions.swarm!.tasks;
    expect(tasks.map((t) => [t.slot, t.image, t.state])).toEqual([[1, V1, 'running'], [2, V1, 'running']]);
    expect(tasks.every((t) => /^swarm[123]$/.test(t.node))).toBe(true);
    expect(view.repo).toBe('opsdeck/demo-app');
    const tag = (name: string) => view.choices.tags.find((c) => c.tag === name);
    // The bed copies every image onto every node.
    expect(tag('1.0.0')).toMatchObject({ running: true, newer: false, local: true, nodes: ['swarm1', 'swarm2', 'swarm3'] });
    expect(tag('1.1.0')).toMatchObject({ running: false, local: true, version: '1.1.0', nodes: ['swarm1', 'swarm2', 'swarm3'] });
    expect(view.choices.registryError).toBeNull();
    expect(view.lastUpgrade).toBeNull();
  });

  it('refuses a Roll back with nothing to roll back', async () => {
    const job = await runJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'tester' }, (ctx) => rollbackLastUpgrade(stack, ctx, TIMING));
    expect(job.status).toBe('failed');
    expect(job.summary).toBe('There is no successful upgrade to roll back.');
    expect(upgradeHistory(stack.name)).toEqual([]);
  });

  it('upgrade 1.0.0 → 1.1.0 with its migration, then Roll back: every task on 1.0.0, the pre-upgrade data back, tasks recorded', async () => {
    await until('the probe table', () => sql("CREATE TABLE probe (id serial PRIMARY KEY, note text); INSERT INTO probe (note) VALUES ('before')"), 60_000);
    const up = await runJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.1.0', startedBy: 'tester' }, (ctx) =>
      upgradeApp(stack, { targetTag: '1.1.0', runMigrations: true, ...TIMING }, ctx));
    expect(up.status, `${up.summary}\n${logOf(up.id)}`).toBe('succeeded');
    expect(await readSchemaVersion(stack)).toBe('0.2.0');
    const [upgraded] = upgradeHistory(stack.name);
    expect(upgraded).toMatchObject({ kind: 'upgrade', result: 'succeeded', fromRef: V1, toRef: V11, migrations: ['0.2.0'], schemaBefore: '0.1.0', schemaAfter: '0.2.0' });
    expect(upgraded.tasks?.map((t) => [t.slot, t.image, t.state])).toEqual([[1, V11, 'running'], [2, V11, 'running']]);
    await sql("INSERT INTO probe (note) VALUES ('after the upgrade')");
    const view = await loadDeployView(stack);
    expect(view.versions.app).toMatchObject({ ref: V11, version: '1.1.0' });
    expect(view.choices.tags.find((c) => c.running)?.tag).toBe('1.1.0');
    expect(view.lastUpgrade?.jobId).toBe(up.id);

    const back = await runJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'tester' }, (ctx) => rollbackLastUpgrade(stack, ctx, TIMING));
    const log = logOf(back.id);
    expect(back.status, `${back.summary}\n${log}`).toBe('succeeded');
    expect(back.summary).toBe(`Rolled back memos to ${V1}: every task runs it, and the database was restored from the pre-upgrade backup ${upgraded.backupId}.`);
    for (const step of ['Scaling memos to 0', `memos is set to ${V1}`, `Restoring the pre-upgrade backup ${upgraded.backupId}`, 'Swapping databases', 'The app is healthy']) expect(log).toContain(step);
    expect(log).toMatch(new RegExp(`Tasks at the end: memos\\.1@swarm[123] ${V1} \\(running\\), memos\\.2@swarm[123] ${V1} \\(running\\)`));
    expect((await running('memos')).map((t) => t.image)).toEqual([V1, V1]);
    expect((await swarmSnapshot(stack)).services.find((s) => s.name === 'memos')!.image).toBe(V1);
    expect(await readSchemaVersion(stack)).toBe('0.1.0');
    expect(await probe()).toEqual(['before']);
    // What was written since the upgrade is kept, in the database the restore replaced.
    expect((await listKeptDatabases(pgTools(stack))).map((k) => k.name)).toEqual([expect.stringMatching(new RegExp(`^memos__kept_\\d{8}_\\d{6}_${back.id}$`))]);

    const [rolled] = upgradeHistory(stack.name);
    expect(rolled).toMatchObject({ kind: 'rollback', result: 'succeeded', fromRef: V11, toRef: V1, schemaBefore: '0.2.0', schemaAfter: '0.1.0', backupId: upgraded.backupId });
    expect(rolled.tasks?.map((t) => [t.slot, t.image, t.state])).toEqual([[1, V1, 'running'], [2, V1, 'running']]);
    expect(rolled.tasks?.every((t) => /^swarm[123]$/.test(t.node))).toBe(true);
    const after = await loadDeployView(stack);
    expect(after.versions.app?.ref).toBe(V1);
    expect(after.versions.swarm?.tasks.map((t) => t.image)).toEqual([V1, V1]);
    expect(after.versions.imageChanged?.what).toBe(`rollback ${V11} → ${V1}`);
    expect(after.lastUpgrade).toBeNull();

    // Nothing left to roll back: refused before anything changes.
    const again = await runJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'tester' }, (ctx) => rollbackLastUpgrade(stack, ctx, TIMING));
    expect(again.status).toBe('failed');
    expect(again.summary).toBe('There is no successful upgrade to roll back.');
  }, 420_000);

  it('a Roll back with the data unchanged is a rolling update back, followed task by task', async () => {
    // 1.0.1: the 1.0.0 image under another tag, on every node: an upgrade that leaves the schema alone.
    for (const e of ENGINES) expect(onEngine(e, 'tag', V1, V101).status).toBe(0);
    const up = await runJob({ stack: stack.name, kind: 'upgrade', title: 'Upgrade to 1.0.1', startedBy: 'tester' }, (ctx) =>
      upgradeApp(stack, { targetTag: '1.0.1', runMigrations: false, ...TIMING }, ctx));
    expect(up.status, `${up.summary}\n${logOf(up.id)}`).toBe('succeeded');
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ kind: 'upgrade', toRef: V101, schemaBefore: '0.1.0', schemaAfter: '0.1.0', migrations: [] });
    const slots = (await running('memos')).map((t) => t.slot);

    const back = await runJob({ stack: stack.name, kind: 'rollback', title: 'Roll back', startedBy: 'tester' }, (ctx) => rollbackLastUpgrade(stack, ctx, TIMING));
    const log = eventsAfter(back.id, 0).map((e) => e.text);
    expect(back.status, `${back.summary}\n${log.join('\n')}`).toBe('succeeded');
    expect(back.summary).toBe(`Rolled back memos to ${V1}: every task runs it.`);
    expect(log).toContain(`Swarm updates memos back to ${V1} task by task`);
    // Each slot's new task on 1.0.0 is followed until it runs, then Swarm's own word that the update completed.
    for (const slot of slots) expect(log.some((l) => new RegExp(`^task memos\\.${slot} on swarm[123]: running 1\\.0\\.0$`).test(l)), log.join('\n')).toBe(true);
    expect(log.some((l) => l.startsWith('Swarm: update completed'))).toBe(true);
    expect(log.join('\n')).not.toContain('Restoring the pre-upgrade backup');
    expect((await running('memos')).map((t) => t.image)).toEqual([V1, V1]);
    const [rolled] = upgradeHistory(stack.name);
    expect(rolled).toMatchObject({ kind: 'rollback', result: 'succeeded', fromRef: V101, toRef: V1, schemaBefore: '0.1.0', schemaAfter: '0.1.0' });
    expect(rolled.tasks?.map((t) => [t.slot, t.image, t.state])).toEqual(slots.map((s) => [s, V1, 'running']));
  }, 300_000);
});
