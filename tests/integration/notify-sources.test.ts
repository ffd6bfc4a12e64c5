/**
 * Every feature that notifies, end to end: the real job (backup, restore, upgrade, scheduler, AI
 * probe) against the real demo stack, and a local webhook receiver that records what arrives.
 */
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listDependencies } from '@/lib/ai-health/dependencies';
import { probeDependency } from '@/lib/ai-health/runner';
import { saveSettings } from '@/lib/ai-health/store';
import { runDueBackups, saveBackupSettings, startBackupJob, startRestoreJob } from '@/lib/backup';
import { markScheduledRun } from '@/lib/backup/settings';
import { upgradeApp } from '@/lib/deploy/upgrade';
import { getDocker } from '@/lib/docker';
import { getJob, runJob, startJob } from '@/lib/jobs';
import { addTarget, NOTIFY_EVENTS, type Notification } from '@/lib/notify';
import { clearStackCache, getStack } from '@/lib/stacks';
import { listEvents, StatusHub } from '@/lib/status';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';
import { pointDemoAiAt, startFakeAiProvider, type FakeAiProvider } from '../support/fake-ai-provider';
import { nodeService, startLogsStack, type LogsStack } from '../support/logs-stack';

const received: Notification[] = [];
let server: http.Server;
let hookUrl: string;
let env: BackupEnv;
let fake: FakeAiProvider;

const events = () => received.map((n) => `${n.stack}:${n.event}`);
const ofKind = (event: Notification['event']) => received.filter((n) => n.event === event);

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body) as Notification);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  [env, fake] = await Promise.all([startBackupEnv(), startFakeAiProvider()]);
  pointDemoAiAt(env.demo.envFile, fake.url);
  clearStackCache();
  const url = (hookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`);
  addTarget('demo', { name: 'everything', format: 'generic', url, events: NOTIFY_EVENTS.filter((e) => e !== 'test'), allowPrivate: true }, 'admin');
}, 240_000);

afterAll(async () => {
  await fake?.close();
  await env?.cleanup();
  await new Promise((r) => server?.close(r));
}, 120_000);

beforeEach(() => {
  received.length = 0;
});

describe('notifications from their sources', () => {
  it('restore finished', async () => {
    const backup = await startBackupJob(env.stack, { by: 'alice' }).done;
    expect(backup.status).toBe('succeeded');
    const id = /Backup (\S+) written/.exec(backup.summary ?? '')?.[1];
    expect(id).toBeTruthy();
    const restore = await startRestoreJob(env.stack, id!, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(restore.status, restore.summary ?? '').toBe('succeeded');
    await expect.poll(events).toEqual(['demo:restore.finished']);
    expect(received[0]).toMatchObject({ severity: 'info', title: `Restore of ${id} on demo finished` });
    expect(received[0].text).toContain('Started by alice');
  }, 180_000);

  it('upgrade rolled back (never-healthy image)', async () => {
    const job = await runJob({ stack: 'demo', kind: 'upgrade', title: 'Upgrade to never-healthy', startedBy: 'tester' }, (ctx) =>
      upgradeApp(env.stack, { targetTag: 'never-healthy', runMigrations: false, healthTimeoutMs: 15_000 }, ctx),
    );
    expect(job.summary).toMatch(/rolled back to opsdeck\/demo-app:1\.0\.0/);
    await expect.poll(events).toEqual(['demo:upgrade.rolled-back']);
    expect(received[0]).toMatchObject({ severity: 'warning', title: 'Upgrade to opsdeck/demo-app:never-healthy rolled back' });
  }, 180_000);

  it('backup missed: once per missed due time, while the stack stays busy, not only when the run finally starts', async () => {
    saveBackupSettings('demo', { cron: '0 3 * * *', keepLast: null, keepDaily: null, keepWeekly: null, testRestore: false }, 'admin');
    markScheduledRun('demo', new Date(Date.now() - 3 * 86_400_000)); // Opsdeck was down for days
    let release!: () => void;
    const hold = startJob({ stack: 'demo', kind: 'hold', title: 'Holding the stack lock', startedBy: 'tester' }, () => new Promise<string>((r) => (release = () => r('released'))));
    try {
      expect(runDueBackups().busy).toEqual(['demo']);
      expect(runDueBackups().busy).toEqual(['demo']); // the next tick: still busy, no second message
      await expect.poll(events).toEqual(['demo:backup.missed']);
      expect(received[0].title).toBe('Scheduled backup of demo missed');
      expect(received[0].text).toMatch(/busy/);
    } finally {
      release();
      await hold.done;
    }
    const { started } = runDueBackups();
    expect(started.map((s) => s.stack)).toEqual(['demo']);
    await expect.poll(() => getJob(started[0].jobId)?.status, { timeout: 60_000 }).toBe('succeeded');
    // The run that finally started belongs to the same missed due time: still one message.
    await new Promise((r) => setTimeout(r, 300));
    expect(ofKind('backup.missed')).toHaveLength(1);
    saveBackupSettings('demo', { cron: null, keepLast: null, keepDaily: null, keepWeekly: null, testRestore: false }, 'admin');
  }, 90_000);

  it('AI provider down', async () => {
    const chat = listDependencies(getStack('demo')).deps.find((d) => d.id === 'env-chat')!;
    saveSettings('demo', chat.id, { lightIntervalSec: 60, deepIntervalSec: 0, latencyThresholdMs: 3000, failuresToDown: 2, successesToUp: 1 });
    expect((await probeDependency(chat, 'light')).ok).toBe(true);
    fake.setMode('unauthorized');
    try {
      await probeDependency(chat, 'light');
      await new Promise((r) => setTimeout(r, 200));
      expect(ofKind('ai.down')).toEqual([]); // one failure is not "down" yet (hysteresis)
      await probeDependency(chat, 'light');
      await expect.poll(events).toEqual(['demo:ai.down']);
      expect(received[0].title).toBe(`AI provider ${chat.label} (chat) is down`);
      expect(received[0].text).not.toContain('sk-demo'); // the fake echoes the key in its 401
    } finally {
      fake.setMode('ok');
    }
  });

  it('backup failed (database container stopped)', async () => {
    const { docker } = getDocker();
    const [pgc] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${env.demo.projectName}`, 'com.docker.compose.service=postgres'] } });
    await docker.getContainer(pgc.Id).stop({ t: 10 });
    const job = await startBackupJob(env.stack, { by: 'alice' }).done;
    expect(job.status).toBe('failed');
    await expect.poll(events).toEqual(['demo:backup.failed']);
    expect(received[0]).toMatchObject({ severity: 'critical', title: 'Backup of demo failed' });
    expect(received[0].text).toContain('stopped');
  }, 60_000);
});

/**
 * Service down from the engine's events, with real containers: a stop that outlasts the grace
 * period (SIGKILL, exit 137) and a `docker kill` were asked for and stay quiet; a crash and an OOM
 * kill nobody asked for alert. Node as PID 1 with no handler ignores SIGTERM, like a stuck app.
 */
describe('service down notifications from engine events', () => {
  let ls: LogsStack;
  let hub: StatusHub;
  const container = async (service: string) => {
    const { docker } = getDocker();
    const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${ls.stack.projectName}`, `com.docker.compose.service=${service}`] } });
    return docker.getContainer(c.Id);
  };
  const downs = () => received.filter((n) => n.stack === 'logs-test' && n.event.startsWith('service.')).map((n) => n.title);
  const dies = (service: string) => listEvents('logs-test').filter((e) => e.service === service && e.action === 'die');

  beforeAll(async () => {
    ls = await startLogsStack({
      stubborn: nodeService('setInterval(() => {}, 1000)', { stop_grace_period: '1s' }),
      crasher: nodeService('setTimeout(() => process.exit(3), 1500)'),
      hog: nodeService('const a = []; setInterval(() => a.push(Buffer.alloc(16 << 20, 1)), 20)', { mem_limit: '96m', memswap_limit: '96m' }),
    });
    addTarget('logs-test', { name: 'everything', format: 'generic', url: hookUrl, events: ['service.down', 'service.restart-loop'], allowPrivate: true }, 'admin');
    hub = new StatusHub();
    // The recorder replays the stack's events from the engine, so nothing before this is lost.
    hub.start({ stacks: () => [ls.stack], sampleEveryMs: 60_000, databaseEveryMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    hub?.stop();
    await ls?.down();
  }, 60_000);

  it('a crash and an OOM kill alert; a stop past the grace period and a docker kill do not', async () => {
    await expect.poll(downs, { timeout: 30_000 }).toEqual(expect.arrayContaining(['crasher went down', 'hog went down']));
    expect(received.find((n) => n.title === 'hog went down')?.text).toMatch(/out of memory|OOM/);

    const stubborn = await container('stubborn');
    const t0 = Date.now();
    await stubborn.stop({ t: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // it really ignored SIGTERM and was killed
    await expect.poll(() => dies('stubborn').map((e) => e.exitCode), { timeout: 15_000 }).toEqual([137]);

    await stubborn.start();
    await stubborn.kill();
    await expect.poll(() => dies('stubborn').map((e) => e.exitCode), { timeout: 15_000 }).toEqual([137, 137]);
    await new Promise((r) => setTimeout(r, 1000)); // deliveries are fire-and-forget: give them time
    expect(downs().filter((t) => t.startsWith('stubborn'))).toEqual([]);
    expect(downs().filter((t) => t.includes('loop'))).toEqual([]);
  }, 90_000);
});
