/**
 * The deploy gate watches the containers: an app that crash-loops with a clear error in its own
 * log (here: a database schema newer than the release supports) fails the gate within seconds,
 * quoting that error, instead of waiting out the health timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackLifecycle } from '@/lib/deploy/deploy';
import { eventsAfter, runJob } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { openDb } from '@/lib/store';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

let demo: DemoStack;
let stack: Stack;

async function sql(text: string): Promise<void> {
  const c = await demo.pg();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-gate-'));
  process.env.OPSDECK_DATA_DIR = dir;
  openDb(path.join(dir, 'opsdeck.db'));
  // A loaded machine can take minutes to initialise PostgreSQL; that is not what is tested here.
  demo = await startDemoStack({ timeoutMs: 300_000 });
  stack = demo.stack;
}, 360_000);

afterAll(async () => {
  await demo?.down();
});

describe('health gate and a crash-looping app (real engine)', () => {
  it('fails within seconds of its own start, quoting the app\'s error, long before the timeout', async () => {
    await sql("UPDATE system_setting SET value = '9.9.9' WHERE name = 'schema_version'");
    const job = await runJob({ stack: stack.name, kind: 'restart', title: 'restart', startedBy: 'tester' }, (ctx) => stackLifecycle(stack, 'restart', ctx, { healthTimeoutMs: 90_000 }));
    const events = eventsAfter(job.id, 0, 10_000);
    const log = events.map((e) => e.text).join('\n');
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/^Health check failed after \d+ s: memos is crashing \((restarted \d+ times in \d+ s( \(last exit code 1\))?|exited with code 1[^)]*)\)/);
    expect(job.summary).toContain('it said: "failed to start: database schema 9.9.9 is newer than this release supports (0.1.0); refusing to start');
    expect(job.errorDetail).toMatch(/^Last log lines of memos:\n[\s\S]*schema_newer/);
    // From the gate's own step to the end of the job: the 90 s timeout was not what ended it.
    const gate = events.find((e) => e.type === 'step' && e.data?.name === 'health')!;
    const end = events.find((e) => e.type === 'end')!;
    expect(Date.parse(end.at) - Date.parse(gate.at)).toBeLessThan(15_000);
  }, 120_000);
});
