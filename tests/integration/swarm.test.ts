/**
 * A Swarm stack on the three-node cluster of scripts/swarm-bed.sh (a manager and two workers, each
 * dockerd in its own namespaces): deployed with `docker stack deploy`, its status and merged logs
 * across nodes, a service scaled, a node drained and its tasks rescheduled with their logs still
 * readable, the refusals, and a worker whose dockerd is stopped shown as down and alerted.
 * Runs only when the cluster is up (OPSDECK_SWARM_BED=1, set by `swarm-bed.sh env`; see vitest.config).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swarmSnapshot } from '@/lib/docker/swarm';
import { deploySwarmStack } from '@/lib/docker/swarm-deploy';
import { readSwarmLogs, swarmLogTag } from '@/lib/docker/swarm-logs';
import { activateNode, drainNode, planDrain, scaleService } from '@/lib/docker/swarm-ops';
import { upgradeHistory } from '@/lib/deploy/history';
import { upgradeApp } from '@/lib/deploy/upgrade';
import { eventsAfter, runJob } from '@/lib/jobs';
import { addTarget } from '@/lib/notify';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { closeDb, openDb } from '@/lib/store/db';
import { buildStackStatus, StatusHub, type StatusMessage } from '@/lib/status';
import { onEngine, removeLastRun, REPO, SWARM_MANAGER, until, writeSwarmConfig } from '../support/swarm-cluster';

const BED = path.join(REPO, 'scripts', 'swarm-bed.sh');
const MANAGER = SWARM_MANAGER;
const PROJECT = 'opsdeck-test-swarm';
let dir: string;
let stack: Stack;

const bed = (...args: string[]) => {
  const r = spawnSync('bash', [BED, ...args], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`swarm-bed ${args.join(' ')} failed: ${r.stderr}`);
};

const running = async (service: string) => {
  const s = (await swarmSnapshot(stack)).services.find((x) => x.name === service);
  return s ? s.tasks.filter((t) => t.state === 'running' && t.desiredState === 'running') : [];
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-swarm-'));
  openDb(path.join(dir, 'opsdeck.db'));
  // The stack file's defaults: the upgrade's pre-upgrade backup logs in with them; and every node's
  // engine: the upgrade's pre-flight asks each whether it has the target image.
  const config = writeSwarmConfig(dir, { name: 'swarm-demo', project: PROJECT, app: '{ service: memos }' });
  [stack] = loadStacks({ cwd: dir, env: { OPSDECK_CONFIG: config } });
  // A run that failed half-way may have left a node drained.
  for (const n of ['swarm1', 'swarm2', 'swarm3']) await activateNode(stack, n);
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

describe('a Swarm stack on three nodes', () => {
  it('config: runtime swarm with its manager; status lists services, tasks per node and nodes', async () => {
    expect(stack.runtime).toBe('swarm');
    const status = await until('memos 2/2 in the status', async () => {
      const st = await buildStackStatus(stack);
      return st.services.find((x) => x.name === 'memos')?.state === 'running' ? st : null;
    });
    expect(status.error).toBeUndefined();
    expect(status.services.map((s) => [s.name, s.state, s.role])).toEqual([['memos', 'running', 'app'], ['postgres', 'running', 'database']]);
    const swarm = status.swarm!;
    expect(swarm.nodes.map((n) => [n.hostname, n.role, n.state])).toEqual([['swarm1', 'manager', 'ready'], ['swarm2', 'worker', 'ready'], ['swarm3', 'worker', 'ready']]);
    expect(swarm.nodes[0]).toMatchObject({ leader: true, reachability: 'reachable', availability: 'active' });
    const memos = swarm.services.find((s) => s.name === 'memos')!;
    expect(memos).toMatchObject({ desired: 2, running: 2, mode: 'replicated', image: 'opsdeck/demo-app:1.0.0' });
    const pg = swarm.services.find((s) => s.name === 'postgres')!;
    // Pinned by the node label the bed puts on swarm2.
    expect(pg.tasks.filter((t) => t.desiredState === 'running').map((t) => [t.node, t.state, t.slot])).toEqual([['swarm2', 'running', 1]]);
  });

  it('logs are merged across services and nodes, in time order, tagged with service, slot and node', async () => {
    const lines = await until('log lines from both memos tasks and postgres', async () => {
      const l = await readSwarmLogs(stack);
      const nodes = new Set(l.filter((x) => x.service === 'memos').map((x) => x.node));
      return nodes.size >= 2 && l.some((x) => x.service === 'postgres') ? l : null;
    });
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort());
    const memosLine = lines.find((l) => l.service === 'memos')!;
    expect(swarmLogTag(memosLine)).toMatch(/^memos\.[12]@swarm[123]$/);
    // Resuming from a cursor gives only newer lines.
    const cursor = lines[lines.length - 1].at;
    const more = await until('new lines after the cursor', async () => ((await readSwarmLogs(stack, { after: cursor })).length ? readSwarmLogs(stack, { after: cursor }) : null));
    expect(more.every((l) => l.at > cursor)).toBe(true);
  });

  it('refuses what would harm the stack, before anything changes', async () => {
    await expect(planDrain(stack, 'swarm1')).rejects.toThrow(/last active manager/);
    await expect(planDrain(stack, 'swarm2')).rejects.toThrow(/runs the database \(postgres\)/);
    await expect(planDrain(stack, 'nosuchnode')).rejects.toThrow(/not part of the cluster/);
    await expect(scaleService(stack, 'postgres', 2)).rejects.toThrow(/single writer/);
    await expect(scaleService(stack, 'not-here', 1)).rejects.toThrow(/not part of stack swarm-demo/);
    expect((await swarmSnapshot(stack)).nodes.every((n) => n.availability === 'active')).toBe(true);
  });

  it('scales memos to 3, drains swarm3: its task moves, the old task\'s log lines stay readable', async () => {
    expect(await scaleService(stack, 'memos', 3)).toEqual({ from: 2, to: 3 });
    const three = await until('3 memos tasks, one on swarm3', async () => {
      const r = await running('memos');
      return r.length === 3 && r.some((t) => t.node === 'swarm3') ? r : null;
    }, 180_000);
    const onSwarm3 = three.find((t) => t.node === 'swarm3')!;
    await until('a log line of the memos task on swarm3', async () => (await readSwarmLogs(stack, { services: ['memos'] })).some((l) => l.taskId === onSwarm3.id));

    const plan = await planDrain(stack, 'swarm3');
    expect(plan.moving.map((t) => [t.service, t.id])).toEqual([['memos', onSwarm3.id]]);
    const done = await drainNode(stack, 'swarm3');
    expect(done.node.availability).toBe('drain');
    await until('3 memos tasks again, none on swarm3', async () => {
      const r = await running('memos');
      return r.length === 3 && r.every((t) => t.node !== 'swarm3');
    }, 180_000);
    const logs = await readSwarmLogs(stack, { services: ['memos'] });
    expect(logs.some((l) => l.taskId === onSwarm3.id && l.node === 'swarm3')).toBe(true);
    expect(logs.some((l) => l.slot === onSwarm3.slot && l.node !== 'swarm3')).toBe(true);

    expect((await activateNode(stack, 'swarm3')).availability).toBe('active');
    expect(await scaleService(stack, 'memos', 2)).toEqual({ from: 3, to: 2 });
    await until('memos back to 2', async () => (await running('memos')).length === 2, 120_000);
  }, 600_000);

  const upgrade = (targetTag: string) =>
    runJob({ stack: stack.name, kind: 'upgrade', title: `Upgrade to ${targetTag}`, startedBy: 'tester' }, (ctx) =>
      upgradeApp(stack, { targetTag, runMigrations: false, healthTimeoutMs: 420_000 }, ctx));
  const jobLog = (id: string) => eventsAfter(id, 0).map((e) => e.text);
  const memosImages = async () => (await running('memos')).map((t) => t.image);

  it('refuses an upgrade to a tag no node has and no registry provides, before anything changes', async () => {
    const job = await upgrade('9.9.9');
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/aborted before any change: opsdeck\/demo-app:9\.9\.9 is present on 0 of 3 node\(s\)/);
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ toRef: 'opsdeck/demo-app:9.9.9', result: 'failed' });
    expect(await memosImages()).toEqual(['opsdeck/demo-app:1.0.0', 'opsdeck/demo-app:1.0.0']);
  });

  it('upgrades memos 1.0.0 → 1.1.0 through Swarm, task by task, followed in the job log', async () => {
    // The slots left by the scale and drain above (1 and 2, or 1 and 3).
    const slots = (await running('memos')).map((t) => t.slot);
    expect(slots).toHaveLength(2);
    const job = await upgrade('1.1.0');
    const log = jobLog(job.id);
    expect(job.status, log.join('\n')).toBe('succeeded');
    // Each slot's new task is followed until it runs (healthy: Swarm reports running only then).
    for (const slot of slots) expect(log.some((l) => new RegExp(`^task memos\\.${slot} on swarm[123]: running 1\\.1\\.0$`).test(l)), log.join('\n')).toBe(true);
    expect(log.some((l) => l.startsWith('Swarm: update completed'))).toBe(true);
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ kind: 'upgrade', fromRef: 'opsdeck/demo-app:1.0.0', toRef: 'opsdeck/demo-app:1.1.0', toVersion: '1.1.0', result: 'succeeded' });
    const memos = (await swarmSnapshot(stack)).services.find((s) => s.name === 'memos')!;
    expect(memos.image).toBe('opsdeck/demo-app:1.1.0');
    expect(await memosImages()).toEqual(['opsdeck/demo-app:1.1.0', 'opsdeck/demo-app:1.1.0']);
  }, 480_000);

  it('an upgrade to a release that never becomes healthy is rolled back by Swarm; the job says why, quoting the app', async () => {
    const job = await upgrade('never-healthy');
    const log = jobLog(job.id);
    expect(job.status, log.join('\n')).toBe('failed');
    expect(job.summary, log.join('\n')).toMatch(/failed and Swarm rolled it back \(rollback_completed\): task memos\.\d+ on swarm[123] \w+: .+; the app's last line: memos\.\d+@swarm[123] /);
    expect(job.summary).toContain('every task runs opsdeck/demo-app:1.1.0 again');
    expect(log.some((l) => /^task memos\.\d+ on swarm[123]: \w+ never-healthy/.test(l))).toBe(true);
    // The app's own words, from the failed task's log.
    expect(job.errorDetail ?? '').toMatch(/memos\.\d+@swarm[123] .*never-healthy|never becomes ready/);
    expect(upgradeHistory(stack.name)[0]).toMatchObject({ fromRef: 'opsdeck/demo-app:1.1.0', toRef: 'opsdeck/demo-app:never-healthy', result: 'rolled-back' });
    expect((await swarmSnapshot(stack)).services.find((s) => s.name === 'memos')!.image).toBe('opsdeck/demo-app:1.1.0');
    expect(await memosImages()).toEqual(['opsdeck/demo-app:1.1.0', 'opsdeck/demo-app:1.1.0']);
  }, 480_000);

  it('a worker whose dockerd stops is shown down on the live feed and alerted like a container going down', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    addTarget(stack.name, { name: 'hook', format: 'generic', url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`, events: ['service.down'], allowPrivate: true }, 'admin');
    const hub = new StatusHub();
    const messages: { at: number; m: StatusMessage }[] = [];
    hub.start({ stacks: () => [stack], sampleEveryMs: 60_000, databaseEveryMs: 600_000 });
    hub.subscribe(stack.name, (m) => messages.push({ at: Date.now(), m }));
    try {
      await until('a first swarm status on the feed', () => messages.some(({ m }) => m.type === 'status' && m.status.swarm));
      // The manager's own view, polled beside the feed: when it first says swarm3 is down.
      let managerSaysDownAt = 0;
      const poll = setInterval(() => {
        void swarmSnapshot(stack).then((s) => {
          if (!managerSaysDownAt && s.nodes.find((n) => n.hostname === 'swarm3')?.state === 'down') managerSaysDownAt = Date.now();
        }, () => undefined);
      }, 250);
      bed('kill-node', '3');
      const down = await until('swarm3 down on the feed', () =>
        messages.find(({ m }) => m.type === 'status' && m.status.swarm?.nodes.find((n) => n.hostname === 'swarm3')?.state === 'down'), 120_000);
      await until('the manager poll to see it too', () => managerSaysDownAt, 30_000);
      clearInterval(poll);
      expect(down.at - managerSaysDownAt).toBeLessThan(5000);
      await until('the notification', () => received.some((b) => b.includes('node swarm3 is down')), 30_000);
    } finally {
      hub.stop();
      receiver.close();
      bed('start-node', '3');
      await until('swarm3 ready again', async () => (await swarmSnapshot(stack)).nodes.find((n) => n.hostname === 'swarm3')?.state === 'ready', 180_000);
    }
  }, 600_000);
});
