import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics, observeJob } from '@/lib/metrics';
import { bearerMatches } from '@/lib/metrics/token';
import { clearStackCache } from '@/lib/stacks';
import { openDb } from '@/lib/store';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

let demo: DemoStack;
const saved = { ...process.env };

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-metrics-'));
  openDb(path.join(dir, 'opsdeck.db'));
  demo = await startDemoStack();
  Object.assign(process.env, { OPSDECK_DATA_DIR: dir, OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName });
  delete process.env.OPSDECK_CONFIG;
  clearStackCache();
}, 240_000);

afterAll(async () => {
  process.env = { ...saved };
  clearStackCache();
  await demo?.down();
});

describe('Prometheus metrics', () => {
  it('report every service of the demo stack as up and healthy, with memory and restarts', async () => {
    const text = await metrics().registry.metrics();
    expect(text).toContain('opsdeck_service_up{stack="demo",service="memos"} 1');
    expect(text).toContain('opsdeck_service_healthy{stack="demo",service="postgres"} 1');
    expect(text).toMatch(/opsdeck_service_restarts\{stack="demo",service="memos"\} 0/);
    expect(text).toMatch(/opsdeck_service_memory_bytes\{stack="demo",service="postgres"\} [1-9]\d+/);
    expect(text).toMatch(/opsdeck_disk_free_bytes\{path="[^"]+"\} \d+/);
    expect(text).toContain('opsdeck_process_resident_memory_bytes');
    // Bounded cardinality: no container ids (64 hex) in any label.
    expect(text).not.toMatch(/="[0-9a-f]{64}"/);
  });

  it('count finished jobs by kind and result', async () => {
    observeJob('demo', 'backup', 'succeeded', 3.2);
    const text = await metrics().registry.metrics();
    expect(text).toContain('opsdeck_jobs_total{stack="demo",kind="backup",result="succeeded"} 1');
    expect(text).toContain('opsdeck_job_duration_seconds_bucket{le="5",kind="backup",result="succeeded"} 1');
  });

  it('define every metric the example alert rules use', () => {
    const rules = fs.readFileSync(path.resolve(__dirname, '../../deploy/prometheus/opsdeck-alerts.yml'), 'utf8');
    const used = new Set(rules.match(/opsdeck_[a-z_]+/g));
    expect(used.size).toBeGreaterThanOrEqual(5);
    for (const name of used) expect(metrics().registry.getSingleMetric(name), name).toBeDefined();
  });

  it('accept only the configured bearer token', () => {
    expect(bearerMatches('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('Bearer wrong', 's3cret-token')).toBe(false);
    expect(bearerMatches(null, 's3cret-token')).toBe(false);
    expect(bearerMatches('Bearer ', 's3cret-token')).toBe(false);
  });
});
