/**
 * "Kill Opsdeck mid-job" on Swarm, on the three-node cluster of scripts/swarm-bed.sh: an upgrade
 * (or a Roll back) runs in a child process (tests/support/job-child/swarm-update.child.ts), which is
 * SIGKILLed in the middle of it; then the start-up recovery runs, as at the next start of Opsdeck.
 * Its note must say what the manager says of the app service (spec image and the previous one,
 * Swarm's update state, tasks per image), whether the pre-upgrade backup is there and what to do,
 * and an app Opsdeck left at 0 replicas must have them back.
 * Runs only when the cluster is up (OPSDECK_SWARM_BED=1, set by `swarm-bed.sh env`; see vitest.config).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_RECOVERY, getBackup } from '@/lib/backup';
import { lastSuccessfulUpgrade, upgradeHistory } from '@/lib/deploy/history';
import { readSchemaVersion } from '@/lib/deploy/migrations';
import { DEPLOY_RECOVERY } from '@/lib/deploy/recovery';
import { swarmSnapshot } from '@/lib/docker/swarm';
import { deploySwarmStack } from '@/lib/docker/swarm-deploy';
import { swarmServiceState } from '@/lib/docker/swarm-update';
import { eventsAfter, getJob, recoverInterruptedJobs, type Job } from '@/lib/jobs';
import { KillableJobChild } from '../support/job-child/killable';
import { REPO, SWARM_ENGINES as ENGINES, SWARM_MANAGER as MANAGER, onEngine, removeLastRun as removeRun, until } from '../support/swarm-cluster';
import { pgQuery, pgTools } from '@/lib/postgres/tools';
import { clearStackCache, getStack } from '@/lib/stacks';
import { MEMOS_SCHEMA_VERSION_QUERY } from '@/lib/stacks/presets';
import type { Stack } from '@/lib/stacks/types';
import { closeDb, openDb } from '@/lib/store/db';

const PROJECT = 'opsdeck-test-swarmrec';
const NAME = 'swarm-rec';
const V1 = 'opsdeck/demo-app:1.0.0';
const V11 = 'opsdeck/demo-app:1.1.0';
let dir: string;
let stack: Stack;
const saved: Record<string, string | undefined> = {};

const running = async (service: string) => {
  const s = (await swarmSnapshot(stack)).services.find((x) => x.name === service);
  return s ? s.tasks.filter((t) => t.state === 'running' && t.desiredState === 'running') : [];
};
const logOf = (id: string) => eventsAfter(id, 0, 10_000).map((e) => e.text).join('\n');

const child = new KillableJobChild('swarm-update.child');
const killWhen = (ready: (job: Job) => boolean | Promise<boolean>, timeoutMs = 300_000) => child.killWhen(NAME, ready, timeoutMs, 100);

beforeAll(async () => {
  for (const k of ['OPSDECK_REGISTRY_LOOKUP', 'OPSDECK_CONFIG', 'OPSDECK_DATA_DIR']) saved[k] = process.env[k];
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-swarmrec-'));
  // The child and this process share the store and the stacks file, as two starts of Opsdeck do.
  process.env.OPSDECK_REGISTRY_LOOKUP = 'off';
  process.env.OPSDECK_DATA_DIR = dir;
  process.env.OPSDECK_CONFIG = path.join(dir, 'opsdeck.yaml');
  openDb(path.join(dir, 'opsdeck.db'));
  fs.writeFileSync(path.join(dir, 'stack.env'), 'POSTGRES_USER=memos\nPOSTGRES_PASSWORD=Opsdeck-demo-7f3K9qLx2mWv\nPOSTGRES_DB=memos\n');
  fs.writeFileSync(
    process.env.OPSDECK_CONFIG,
    [
      'stacks:',
      `  - name: ${NAME}`,
      '    preset: generic',
      '    runtime: swarm',
      `    project: ${PROJECT}`,
      `    compose: ${path.join(REPO, 'examples/swarm/stack.yml')}`,
      `    envFile: ${path.join(dir, 'stack.env')}`,
      `    backups: { dir: ${path.join(dir, 'backups')} }`,
      `    swarm: { manager: "${MANAGER}", nodes: { ${ENGINES.map((e, i) => `swarm${i + 1}: "${e}"`).join(', ')} } }`,
      '    database: { service: postgres, host: 127.0.0.1, port: 5432 }',
      `    app: { service: memos, migrationsDir: ${path.join(REPO, 'examples/demo/migrations')}, schemaVersionQuery: "${MEMOS_SCHEMA_VERSION_QUERY}" }`,
      '',
    ].join('\n'),
  );
  clearStackCache();
  stack = getStack(NAME);
  await removeRun(PROJECT);
  const r = await deploySwarmStack(stack);
  expect(r.code, r.output).toBe(0);
  await until('memos 2/2 and postgres 1/1', async () => (await running('memos')).length === 2 && (await running('postgres')).length === 1, 240_000);
  await until('the app wrote its schema 0.1.0', async () => (await readSchemaVersion(stack)) === '0.1.0', 60_000);
  // ~40 MB of poorly compressible rows: the Roll back's restore then loads for seconds, so the kill
  // right after the scale to 0 lands well before its swap.
  await until('the filler table', () => pgQuery(pgTools(stack), 'memos',
    "CREATE TABLE filler AS SELECT g AS id, j.junk FROM generate_series(1, 60000) g, LATERAL (SELECT string_agg(md5(random()::text || g::text || i::text), '') AS junk FROM generate_series(1, 20) i) j"), 120_000);
}, 480_000);

afterEach(() => {
  child.stop();
});

afterAll(async () => {
  onEngine(MANAGER, 'stack', 'rm', PROJECT);
  closeDb();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  clearStackCache();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const RECOVERY = { ...BACKUP_RECOVERY, ...DEPLOY_RECOVERY };

describe('Opsdeck killed during a Swarm upgrade or Roll back', () => {
  it('mid rolling update: the note says what Swarm is doing, that the backup exists, and the history gets the outcome Swarm reached', async () => {
    // A monitor period of 10 s per task: the kill lands while Swarm is surely still updating.
    child.start({ CHILD_STACK: NAME, CHILD_JOB: 'upgrade', CHILD_TAG: '1.1.0', CHILD_MONITOR_MS: '10000' });
    const killed = await killWhen(async () => (await running('memos')).some((t) => t.image === V11));
    expect(killed.status).toBe('running');
    expect(upgradeHistory(NAME)[0]).toMatchObject({ jobId: killed.id, result: 'running' });

    expect(await recoverInterruptedJobs(RECOVERY)).toEqual([killed.id]);
    const job = getJob(killed.id)!;
    const log = logOf(job.id);
    console.log(`[swarm-recovery] upgrade killed mid-update, the recovery's note:\n${log}`);
    expect(job.status, log).toBe('interrupted');
    const [rec] = upgradeHistory(NAME);
    expect(rec.backupId).toMatch(/\S/);
    expect(getBackup(stack, rec.backupId!).id).toBe(rec.backupId);
    expect(log).toContain(`Opsdeck stopped during the Swarm upgrade of memos (${V1} → ${V11}). The manager says now: the service is set to ${V11} (previous spec: ${V1}), update state updating, 2 replica(s); tasks: `);
    expect(log).toMatch(new RegExp(`tasks: .*opsdeck/demo-app:1\\.1\\.0 × \\d \\(memos\\.\\d@swarm[123] running`));
    expect(log).toMatch(/Swarm finished the update by itself \d+ s later: update state completed, the service is set to opsdeck\/demo-app:1\.1\.0; tasks: opsdeck\/demo-app:1\.1\.0 × 2 /);
    expect(log).toContain(`The pre-upgrade backup ${rec.backupId} exists (Backups tab).`);
    expect(log).toContain(`Nothing to do: the upgrade to ${V11} completed and every task runs it. To go back to ${V1}, use Roll back on the Deploy tab.`);
    expect(log).not.toContain('scaled');
    // Keyed, so each reader sees it in their language.
    const keys = eventsAfter(job.id, 0, 10_000).map((e) => (e.data as { key?: string } | null)?.key).filter(Boolean);
    expect(keys).toEqual(expect.arrayContaining(['log.swarmRecovery.foundUpgrade', 'log.swarmRecovery.settled', 'log.swarmRecovery.backupKept', 'log.swarmRecovery.adviceUpgradeDone']));

    expect(rec).toMatchObject({ kind: 'upgrade', result: 'succeeded', fromRef: V1, toRef: V11, migrations: ['0.2.0'], schemaAfter: '0.2.0' });
    expect(rec.tasks?.map((t) => [t.image, t.state])).toEqual([[V11, 'running'], [V11, 'running']]);
    expect(lastSuccessfulUpgrade(NAME)?.jobId).toBe(killed.id);
    expect((await running('memos')).map((t) => t.image)).toEqual([V11, V11]);
    // Nothing is left for another recovery pass.
    expect(await recoverInterruptedJobs(RECOVERY)).toEqual([]);
  }, 600_000);

  it('Roll back killed with the app scaled to 0: the replicas come back, on the image that fits the data', async () => {
    child.start({ CHILD_STACK: NAME, CHILD_JOB: 'rollback' });
    // The data goes back too (the upgrade migrated it), so the rollback first scales memos to 0.
    const killed = await killWhen((j) => eventsAfter(j.id, 0, 10_000).some((e) => e.text === 'Stopped 2 memos task(s).'));
    // The kill landed before the restore swapped the data (else the restore's own cleanup starts the app).
    expect(logOf(killed.id)).not.toContain('Swapping databases');
    const left = await swarmServiceState(stack, 'memos');
    expect(left).toMatchObject({ replicas: 0, scaledFrom: 2 });

    expect(await recoverInterruptedJobs(RECOVERY)).toEqual([killed.id]);
    const job = getJob(killed.id)!;
    const log = logOf(job.id);
    console.log(`[swarm-recovery] roll back killed at 0 replicas, the recovery's note:\n${log}`);
    expect(job.status, log).toBe('interrupted');
    expect(log).toContain(`Opsdeck stopped during the Swarm roll back of memos (${V11} → ${V1}). The manager says now: the service is set to ${left.image}`);
    expect(log).toContain(', 0 replica(s); tasks: none.');
    expect(log).toContain('Opsdeck had scaled memos to 0 (it had 2 replica(s)) and it was left so.');
    expect(log).toContain('memos is scaled back to 2 replica(s).');
    // The restore never swapped the data: the upgraded schema stays, so does the upgraded image.
    if (left.image === V1) expect(log).toContain(`The database still has the upgraded schema (0.2.0), which ${V1} refuses: memos is set back to ${V11} before it starts.`);
    expect(log).toContain(`memos runs ${V11} as the upgrade left it: use Roll back on the Deploy tab again.`);
    expect(log).not.toMatch(/Cleanup .* failed/);

    const svc = await swarmServiceState(stack, 'memos');
    expect(svc).toMatchObject({ image: V11, replicas: 2, scaledFrom: null });
    await until('memos 2/2 on 1.1.0 again', async () => {
      const r = await running('memos');
      return r.length === 2 && r.every((t) => t.image === V11);
    }, 240_000);
    expect(await readSchemaVersion(stack)).toBe('0.2.0');
    const [rec] = upgradeHistory(NAME);
    expect(rec).toMatchObject({ jobId: killed.id, kind: 'rollback', result: 'failed', fromRef: V11, toRef: V1 });
    expect(rec.detail).toContain('Interrupted: Opsdeck stopped during the Swarm rollback.');
    // The upgrade is still what "Roll back" would undo.
    expect(lastSuccessfulUpgrade(NAME)?.kind).toBe('upgrade');
  }, 600_000);
});
