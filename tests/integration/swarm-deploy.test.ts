/**
 * The deploy tab's Deploy job on a `runtime: swarm` stack, on the three-node cluster of
 * scripts/swarm-bed.sh: a fresh stack deployed from its compose file until its services run and the
 * app answers; the same stack redeployed with a broken release in an override file, rolled back by
 * Swarm and the job failed saying so; a compose file with keys `docker stack deploy` ignores or rejects refused, each key
 * named with its service, and nothing created; an app that never gets healthy failing the job with
 * the task's error and the app's own last line. Stacks of its own (opsdeck-test-swdeploy*), so it
 * can share a cluster with the other swarm files.
 * Runs only when the cluster is up (OPSDECK_SWARM_BED=1, set by `swarm-bed.sh env`; see vitest.config).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployStack, stackLifecycle, type StackLifecycle } from '@/lib/deploy/deploy';
import { runSwarmPreflight } from '@/lib/deploy/swarm-preflight';
import { listSwarmServiceSpecs, swarmSnapshot } from '@/lib/docker/swarm';
import { eventsAfter, getJob, runJob } from '@/lib/jobs';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { closeDb, openDb } from '@/lib/store/db';
import { REPO, SWARM_ENGINES as ENGINES, SWARM_MANAGER as MANAGER, removeLastRun } from '../support/swarm-cluster';

const PROJECTS = { good: 'opsdeck-test-swdeploy', bad: 'opsdeck-test-swdeploy-bad', sick: 'opsdeck-test-swdeploy-sick' };
const PG_PASSWORD = 'Swdeploy-pg-4Rt8Lw2q';
let dir: string;

const onManager = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: MANAGER } });
const ofProject = (engine: string, project: string, ...args: string[]) =>
  spawnSync('docker', [...args, '--filter', `label=com.docker.stack.namespace=${project}`], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: engine } }).stdout.split('\n').filter(Boolean);

/** A Swarm stack of opsdeck.yaml with its own compose file and env file. */
function stackOf(name: string, project: string, composeFile: string, extra: string[] = []): Stack {
  const sub = path.join(dir, name);
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(path.join(sub, 'stack.env'), `POSTGRES_USER=memos\nPOSTGRES_PASSWORD=${PG_PASSWORD}\nPOSTGRES_DB=memos\nMEMOS_DSN=postgres://memos:${PG_PASSWORD}@postgres:5432/memos?sslmode=disable\n`);
  fs.writeFileSync(
    path.join(sub, 'opsdeck.yaml'),
    [
      'stacks:',
      `  - name: ${name}`,
      '    preset: generic',
      '    runtime: swarm',
      `    project: ${project}`,
      `    compose: ${composeFile}`,
      `    envFile: ${path.join(sub, 'stack.env')}`,
      `    swarm: { manager: "${MANAGER}", nodes: { ${ENGINES.map((e, i) => `swarm${i + 1}: "${e}"`).join(', ')} } }`,
      ...extra,
      '',
    ].join('\n'),
  );
  return loadStacks({ cwd: sub, env: { OPSDECK_CONFIG: path.join(sub, 'opsdeck.yaml') } })[0];
}

const deploy = (stack: Stack, healthTimeoutMs: number) =>
  runJob({ stack: stack.name, kind: 'deploy', title: `Deploy ${stack.name}`, startedBy: 'tester' }, (ctx) => deployStack(stack, ctx, { healthTimeoutMs }));
const jobLog = (id: string) => eventsAfter(id, 0).map((e) => e.text).join('\n');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-swdeploy-'));
  openDb(path.join(dir, 'opsdeck.db'));
  for (const p of Object.values(PROJECTS)) await removeLastRun(p);
}, 600_000);

afterAll(async () => {
  for (const p of Object.values(PROJECTS)) onManager('stack', 'rm', p);
  closeDb();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('deploying a Swarm stack from the deploy tab', () => {
  it('deploys a fresh stack from its compose file: pre-flight, stack deploy, every service running and the app answering', async () => {
    const stack = stackOf('swdeploy', PROJECTS.good, path.join(REPO, 'examples/swarm/stack.yml'), [
      '    database: { service: postgres, host: 127.0.0.1, port: 5432 }',
      '    app: { service: memos, healthUrl: "http://127.0.0.1:5230/healthz" }',
    ]);
    const checks = await runSwarmPreflight(stack);
    expect(checks.map((c) => [c.id, c.ok])).toEqual([['swarm', true], ['compose-config', true], ['swarm-keys', true], ['env-file', true], ['images', true]]);
    expect(checks[0].detail).toMatch(/Swarm manager of 3 node\(s\)/);
    expect(checks[4].detail).toMatch(/memos: opsdeck\/demo-app:1\.0\.0 is present on 3 of 3 node\(s\)/);

    const job = await deploy(stack, 420_000);
    const log = jobLog(job.id);
    expect(job.status, `${job.summary}\n${log}`).toBe('succeeded');
    expect(job.summary).toBe('Deployed swdeploy on Swarm: memos, postgres converged, every task running.');
    expect(log).toMatch(/Creating service opsdeck-test-swdeploy_memos/);
    expect(log).toMatch(/task memos\.[12] on swarm[123]: running opsdeck\/demo-app:1\.0\.0/);
    expect(log).toContain('All services are healthy.');
    // Recorded as any deploy job is: kind, title, who, the outcome.
    expect(getJob(job.id)).toMatchObject({ kind: 'deploy', stack: 'swdeploy', startedBy: 'tester', status: 'succeeded' });
    const snap = await swarmSnapshot(stack);
    expect(snap.services.map((s) => [s.name, s.running, s.desired])).toEqual([['memos', 2, 2], ['postgres', 1, 1]]);
    // The job log never shows the stack's secrets.
    expect(log).not.toContain(PG_PASSWORD);
  }, 600_000);

  it('redeploys it with an override whose app never gets healthy: Swarm rolls the update back by the file\'s update_config, the job fails saying so', async () => {
    // A second file over the stack file, as `compose: [a, b]` in opsdeck.yaml: the broken release with a health check that gives up fast.
    const override = path.join(dir, 'broken-release.yml');
    fs.writeFileSync(override, [
      'services:',
      '  memos:',
      '    image: opsdeck/demo-app:never-healthy',
      '    healthcheck:',
      '      interval: 2s',
      '      timeout: 10s',
      '      retries: 2',
      '      start_period: 1s',
      '',
    ].join('\n'));
    const stack = stackOf('swdeploy-next', PROJECTS.good, `[${path.join(REPO, 'examples/swarm/stack.yml')}, ${override}]`, ['    app: { service: memos }']);
    const job = await deploy(stack, 300_000);
    const log = jobLog(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/^Deploy failed: memos had its update stopped by Swarm \(rollback_completed.*; task memos\.[12] on swarm[123] complete: .*; every task runs opsdeck\/demo-app:1\.0\.0 again\.$/);
    expect(log).toMatch(/task memos\.[12] on swarm[123]: starting opsdeck\/demo-app:never-healthy/);
    // The job ended once Swarm had the previous release back on every task.
    const memos = (await swarmSnapshot(stack)).services.find((s) => s.name === 'memos')!;
    expect(memos.tasks.filter((t) => t.desiredState === 'running').map((t) => [t.state, t.image])).toEqual([['running', 'opsdeck/demo-app:1.0.0'], ['running', 'opsdeck/demo-app:1.0.0']]);
  }, 420_000);

  it('stops, starts and restarts the Swarm stack from the deploy tab: scaled to 0 and back to its replica counts, a restart replaces every task', async () => {
    const stack = stackOf('swdeploy', PROJECTS.good, path.join(REPO, 'examples/swarm/stack.yml'), [
      '    database: { service: postgres, host: 127.0.0.1, port: 5432 }',
      '    app: { service: memos }',
    ]);
    const counts = async () => (await swarmSnapshot(stack)).services.map((s) => [s.name, s.running, s.desired]);
    const liveTasks = async () => (await swarmSnapshot(stack)).services.flatMap((s) => s.tasks.filter((t) => t.desiredState === 'running').map((t) => t.id)).sort();
    const lifecycle = (action: StackLifecycle) =>
      runJob({ stack: stack.name, kind: action, title: `${action} ${stack.name}`, startedBy: 'tester' }, (ctx) => stackLifecycle(stack, action, ctx, { healthTimeoutMs: 240_000 }));

    const stopped = await lifecycle('stop');
    expect(stopped.status, jobLog(stopped.id)).toBe('succeeded');
    // The app stops first, the database last; each keeps the count it had on the service.
    expect(jobLog(stopped.id)).toMatch(/opsdeck-test-swdeploy_memos \(memos\): done\n.*opsdeck-test-swdeploy_postgres \(postgres\): done/s);
    expect(await counts()).toEqual([['memos', 0, 0], ['postgres', 0, 0]]);
    expect((await listSwarmServiceSpecs(stack)).map((s) => (s.Spec as { Labels?: Record<string, string> }).Labels?.['io.opsdeck.scaled-from']).sort()).toEqual(['1', '2']);

    const started = await lifecycle('start');
    expect(started.status, jobLog(started.id)).toBe('succeeded');
    expect(jobLog(started.id)).toMatch(/opsdeck-test-swdeploy_postgres \(postgres\): done\n.*opsdeck-test-swdeploy_memos \(memos\): done/s);
    expect(await counts()).toEqual([['memos', 2, 2], ['postgres', 1, 1]]);
    expect((await listSwarmServiceSpecs(stack)).every((s) => (s.Spec as { Labels?: Record<string, string> }).Labels?.['io.opsdeck.scaled-from'] === undefined)).toBe(true);
    // Started again: nothing to do, said so.
    const again = await lifecycle('start');
    expect(again.status).toBe('succeeded');
    expect(jobLog(again.id)).toMatch(/\(memos\): unchanged/);

    const before = await liveTasks();
    const restarted = await lifecycle('restart');
    expect(restarted.status, jobLog(restarted.id)).toBe('succeeded');
    const after = await liveTasks();
    expect(after).toHaveLength(3);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect(await counts()).toEqual([['memos', 2, 2], ['postgres', 1, 1]]);
  }, 900_000);

  it('refuses a compose file with keys docker stack deploy ignores or rejects, naming each key and service; nothing is deployed', async () => {
    const file = path.join(dir, 'bad.yml');
    fs.writeFileSync(file, [
      'services:',
      '  web:',
      '    image: opsdeck/demo-app:1.0.0',
      '    container_name: web',
      '    restart: unless-stopped',
      '    depends_on: [db]',
      '    network_mode: bridge',
      '  db:',
      '    image: opsdeck/postgres:17',
      '    build: ./db',
      '    mem_limit: 512m',
      '',
    ].join('\n'));
    const stack = stackOf('swdeploy-bad', PROJECTS.bad, file);
    const job = await deploy(stack, 60_000);
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/^Nothing was changed: \d pre-flight check\(s\) failed \(.*No keys docker stack deploy ignores or rejects/);
    for (const named of ['web: container_name (ignored', 'web: restart (ignored by docker stack deploy; instead: deploy.restart_policy)', 'web: depends_on (ignored', 'web: network_mode (ignored', 'db: build (ignored', 'db: mem_limit (rejected']) {
      expect(job.summary).toContain(named);
    }
    expect(jobLog(job.id)).not.toMatch(/docker stack deploy of/);
    expect(await listSwarmServiceSpecs(stack)).toEqual([]);
    expect(ofProject(MANAGER, PROJECTS.bad, 'network', 'ls', '-q')).toEqual([]);
  }, 120_000);

  it('fails a deploy whose app never gets healthy, quoting the failing task and the app\'s last line', async () => {
    // The broken release: it starts and logs, but /healthz never answers 200; its health check gives up fast.
    const file = path.join(dir, 'sick.yml');
    fs.writeFileSync(file, [
      'services:',
      '  memos:',
      '    image: opsdeck/demo-app:never-healthy',
      '    environment:',
      '      MEMOS_DSN: ${MEMOS_DSN}',
      '    healthcheck:',
      '      test: ["CMD", "node", "/app/healthcheck.js"]',
      '      interval: 2s',
      '      timeout: 10s',
      '      retries: 2',
      // Not 0s: that means "the image's own" (20 s).
      '      start_period: 1s',
      '    deploy:',
      '      replicas: 1',
      '      restart_policy: { condition: any, delay: 1s }',
      '',
    ].join('\n'));
    const stack = stackOf('swdeploy-sick', PROJECTS.sick, file, ['    app: { service: memos }']);
    const job = await deploy(stack, 300_000);
    const log = jobLog(job.id);
    expect(job.status, log).toBe('failed');
    // Swarm stops a task whose health check fails while it starts: it ends "complete", with no error of its own.
    // The app's last warning is one of the two it logs: its database is not there, or a failed /healthz.
    expect(job.summary).toMatch(/^Deploy failed: memos had 3 tasks fail since the deploy began; task memos\.1 on swarm[123] complete: it ended with exit code \d+ and no error from Swarm \(Swarm stops a task whose health check fails; else the app exited by itself\); the app said: "(this release never becomes ready|database not reachable: [^"]+)"\.$/);
    expect(job.summary).not.toContain(PG_PASSWORD);
    expect(log).toMatch(/task memos\.1 on swarm[123]: starting opsdeck\/demo-app:never-healthy/);
    expect(log).toMatch(/task memos\.1 on swarm[123]: complete opsdeck\/demo-app:never-healthy/);
    expect(getJob(job.id)?.errorDetail ?? '').toMatch(/Last log lines of memos:\nmemos\.1@swarm[123] /);
  }, 420_000);
});
