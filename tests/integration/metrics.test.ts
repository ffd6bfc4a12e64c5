import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/metrics/route';
import { listDependencies } from '@/lib/ai-health/dependencies';
import { probeDependency } from '@/lib/ai-health/runner';
import { saveSettings } from '@/lib/ai-health/store';
import { startBackupJob } from '@/lib/backup';
import { metrics, observeJob } from '@/lib/metrics';
import { bearerMatches } from '@/lib/metrics/token';
import { clearStackCache, getStack } from '@/lib/stacks';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';
import { pointDemoAiAt, startFakeAiProvider, type FakeAiProvider } from '../support/fake-ai-provider';

const run = promisify(execFile);
const TOKEN = 'metrics-test-token-7f3a';
let env: BackupEnv;
let fake: FakeAiProvider;
const savedToken = process.env.OPSDECK_METRICS_TOKEN;

/** One scrape through the real route handler, as Prometheus does it. */
async function scrape(): Promise<string> {
  const res = await GET(new Request('http://opsdeck.test/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(res.status).toBe(200);
  return res.text();
}
/** The value of one series, or undefined when the series is absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
// Each gauge's snapshot lives a second (one scrape); wait it out between changes.
const nextScrape = () => new Promise((r) => setTimeout(r, 1100));

beforeAll(async () => {
  [env, fake] = await Promise.all([startBackupEnv(), startFakeAiProvider()]);
  // The demo stack's AI providers point at the local fake provider.
  pointDemoAiAt(env.demo.envFile, fake.url);
  clearStackCache();
  process.env.OPSDECK_METRICS_TOKEN = TOKEN;
}, 240_000);

afterAll(async () => {
  if (savedToken === undefined) delete process.env.OPSDECK_METRICS_TOKEN;
  else process.env.OPSDECK_METRICS_TOKEN = savedToken;
  await fake?.close();
  await env?.cleanup();
});

describe('the /api/metrics route', () => {
  it('is off (404) without a token, and asks for the bearer token (401) on a wrong or missing one', async () => {
    delete process.env.OPSDECK_METRICS_TOKEN;
    try {
      const off = await GET(new Request('http://opsdeck.test/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
      expect(off.status).toBe(404);
      expect(await off.text()).not.toContain('opsdeck_');
    } finally {
      process.env.OPSDECK_METRICS_TOKEN = TOKEN;
    }
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }] as Record<string, string>[]) {
      const res = await GET(new Request('http://opsdeck.test/api/metrics', { headers }));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('opsdeck_');
    }
    const ok = await GET(new Request('http://opsdeck.test/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(await ok.text()).toContain('opsdeck_docker_up 1');
  });
});

describe('Prometheus metrics', () => {
  it('report every service of the demo stack as up and healthy, with memory and restarts', async () => {
    const text = await scrape();
    expect(text).toContain('opsdeck_service_up{stack="demo",service="memos"} 1');
    expect(text).toContain('opsdeck_service_healthy{stack="demo",service="postgres"} 1');
    expect(text).toMatch(/opsdeck_service_restarts\{stack="demo",service="memos"\} 0/);
    expect(text).toMatch(/opsdeck_service_memory_bytes\{stack="demo",service="postgres"\} [1-9]\d+/);
    expect(text).toMatch(/opsdeck_disk_free_bytes\{path="[^"]+"\} \d+/);
    expect(text).toContain('opsdeck_process_resident_memory_bytes');
    // Bounded cardinality: no container ids (64 hex) in any label.
    expect(text).not.toMatch(/="[0-9a-f]{64}"/);
  });

  it('report a stack that never backed up with timestamp 0, so "no recent backup" can fire', async () => {
    const text = await scrape();
    expect(valueOf(text, 'opsdeck_backup_last_success_timestamp_seconds{stack="demo"}')).toBe(0);
    expect(valueOf(text, 'opsdeck_backup_last_verified_timestamp_seconds{stack="demo"}')).toBe(0);
    expect(valueOf(text, 'opsdeck_backup_last_size_bytes{stack="demo"}')).toBeUndefined();
  });

  it('report the time, size and duration of a real backup, and count the job', async () => {
    await nextScrape();
    const before = Date.now() / 1000;
    const job = await startBackupJob(env.stack, { by: 'alice' }).done;
    expect(job.status).toBe('succeeded');
    const text = await scrape();
    const success = valueOf(text, 'opsdeck_backup_last_success_timestamp_seconds{stack="demo"}')!;
    expect(success).toBeGreaterThanOrEqual(before - 1);
    expect(success).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(valueOf(text, 'opsdeck_backup_last_verified_timestamp_seconds{stack="demo"}')).toBe(success);
    expect(valueOf(text, 'opsdeck_backup_last_size_bytes{stack="demo"}')).toBeGreaterThan(100);
    expect(valueOf(text, 'opsdeck_backup_last_duration_seconds{stack="demo"}')).toBeGreaterThan(0);
    expect(valueOf(text, 'opsdeck_jobs_total{stack="demo",kind="backup",result="succeeded"}')).toBe(1);
    expect(valueOf(text, 'opsdeck_job_duration_seconds_count{kind="backup",result="succeeded"}')).toBe(1);
  }, 120_000);

  it('report AI provider up, probe latency and failures by reason after real probes of the fake provider', async () => {
    const deps = listDependencies(getStack('demo')).deps;
    const chat = deps.find((d) => d.id === 'env-chat')!;
    saveSettings('demo', chat.id, { lightIntervalSec: 60, deepIntervalSec: 0, latencyThresholdMs: 3000, failuresToDown: 2, successesToUp: 1 });
    expect((await probeDependency(chat, 'light')).ok).toBe(true);
    let text = await scrape();
    expect(valueOf(text, 'opsdeck_ai_provider_up{stack="demo",provider="env-chat",role="chat"}')).toBe(1);
    expect(valueOf(text, 'opsdeck_ai_probe_latency_seconds_count{stack="demo",provider="env-chat",probe="light"}')).toBe(1);
    expect(valueOf(text, 'opsdeck_ai_probe_latency_seconds_bucket{le="30",stack="demo",provider="env-chat",probe="light"}')).toBe(1);

    fake.setMode('unauthorized');
    for (let i = 0; i < 2; i++) expect((await probeDependency(chat, 'light')).failure).toBe('auth');
    await nextScrape();
    text = await scrape();
    expect(valueOf(text, 'opsdeck_ai_provider_up{stack="demo",provider="env-chat",role="chat"}')).toBe(0);
    expect(valueOf(text, 'opsdeck_ai_probe_failures_total{stack="demo",provider="env-chat",reason="auth"}')).toBe(2);
    expect(valueOf(text, 'opsdeck_ai_probe_latency_seconds_count{stack="demo",provider="env-chat",probe="light"}')).toBe(3);
    fake.setMode('ok');
  });

  it('count finished jobs by kind and result', async () => {
    observeJob('demo', 'restore', 'failed', 3.2);
    const text = await metrics().registry.metrics();
    expect(text).toContain('opsdeck_jobs_total{stack="demo",kind="restore",result="failed"} 1');
    expect(text).toContain('opsdeck_job_duration_seconds_bucket{le="5",kind="restore",result="failed"} 1');
  });

  it('define every metric the example alert rules use', () => {
    const rules = fs.readFileSync(path.resolve(__dirname, '../../deploy/prometheus/opsdeck-alerts.yml'), 'utf8');
    const used = new Set(rules.match(/opsdeck_[a-z_]+/g));
    expect(used.size).toBeGreaterThanOrEqual(6);
    for (const name of used) expect(metrics().registry.getSingleMetric(name), name).toBeDefined();
  });

  it('accept only the configured bearer token', () => {
    expect(bearerMatches('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('Bearer wrong', 's3cret-token')).toBe(false);
    expect(bearerMatches(null, 's3cret-token')).toBe(false);
    expect(bearerMatches('Bearer ', 's3cret-token')).toBe(false);
  });

  it('report a declared service whose container was removed as down, instead of dropping its series', async () => {
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${env.demo.projectName}`, '--filter', 'label=com.docker.compose.service=memos']);
    const ids = stdout.split('\n').filter(Boolean);
    expect(ids.length).toBeGreaterThan(0);
    await run('docker', ['rm', '-f', ...ids]);
    await nextScrape();
    const text = await scrape();
    expect(valueOf(text, 'opsdeck_service_up{stack="demo",service="memos"}')).toBe(0);
    expect(valueOf(text, 'opsdeck_service_healthy{stack="demo",service="memos"}')).toBe(0);
    expect(valueOf(text, 'opsdeck_service_up{stack="demo",service="postgres"}')).toBe(1);
    expect(valueOf(text, 'opsdeck_docker_up')).toBe(1);
  }, 60_000);

  it('report Docker down and every declared service down while the engine cannot be reached', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      await nextScrape();
      const text = await scrape();
      expect(valueOf(text, 'opsdeck_docker_up')).toBe(0);
      expect(valueOf(text, 'opsdeck_service_up{stack="demo",service="memos"}')).toBe(0);
      expect(valueOf(text, 'opsdeck_service_up{stack="demo",service="postgres"}')).toBe(0);
      // The backup series do not depend on the engine: they stay.
      expect(valueOf(text, 'opsdeck_backup_last_success_timestamp_seconds{stack="demo"}')).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
