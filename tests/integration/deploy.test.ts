import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployStack, stackLifecycle } from '@/lib/deploy/deploy';
import { runPreflight } from '@/lib/deploy/preflight';
import { listStackServices } from '@/lib/docker';
import { runJob } from '@/lib/jobs';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { openDb } from '@/lib/store';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
let demo: DemoStack;
let stack: Stack;

const states = async () => Object.fromEntries((await listStackServices(stack)).map((s) => [s.name, s.state]));
const job = (kind: string, work: Parameters<typeof runJob>[1]) => runJob({ stack: stack.name, kind, title: kind, startedBy: 'tester' }, work);

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-deploy-'));
  process.env.OPSDECK_DATA_DIR = dir;
  openDb(path.join(dir, 'opsdeck.db'));
  demo = await startDemoStack({ start: false });
  [stack] = loadStacks({ cwd: REPO, env: { OPSDECK_DATA_DIR: dir, OPSDECK_DEMO_ENV_FILE: demo.envFile, OPSDECK_DEMO_PROJECT: demo.projectName } });
});

afterAll(async () => {
  await demo?.down();
});

describe('deploy and whole-stack lifecycle as jobs (real engine)', () => {
  it('refuses to change anything while a pre-flight check fails, saying what to fix', async () => {
    const good = fs.readFileSync(demo.envFile, 'utf8');
    fs.writeFileSync(demo.envFile, `${good}\nMEMOS_AI_OPENAI_API_KEY=sk-your-openai-key\n`);
    try {
      const checks = await runPreflight(stack);
      expect(checks.find((c) => c.id === 'env-file')).toMatchObject({ ok: false, detail: 'Still a template value: MEMOS_AI_OPENAI_API_KEY' });
      expect(checks.filter((c) => c.id !== 'env-file').every((c) => c.ok)).toBe(true);
      const j = await job('deploy', (ctx) => deployStack(stack, ctx));
      expect(j.status).toBe('failed');
      expect(j.summary).toBe('Nothing was changed: 1 pre-flight check(s) failed (Env file has no placeholders).');
      expect(await states()).toEqual({ postgres: 'not-created', memos: 'not-created' });
    } finally {
      fs.writeFileSync(demo.envFile, good);
    }
  });

  it('a first deploy brings the stack up and waits until every service is healthy', async () => {
    const j = await job('deploy', (ctx) => deployStack(stack, ctx, { healthTimeoutMs: 90_000 }));
    expect(j.status, j.summary ?? '').toBe('succeeded');
    expect(await states()).toEqual({ postgres: 'running', memos: 'running' });
    expect((await fetch(`${demo.appUrl}/healthz`)).status).toBe(200);
  }, 180_000);

  it('stop keeps containers and volumes; start and restart end healthy', async () => {
    await fetch(`${demo.appUrl}/api/memos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'kept across stop' }) });
    expect((await job('stop', (ctx) => stackLifecycle(stack, 'stop', ctx))).status).toBe('succeeded');
    expect(await states()).toEqual({ postgres: 'stopped', memos: 'stopped' });
    expect((await job('start', (ctx) => stackLifecycle(stack, 'start', ctx, { healthTimeoutMs: 90_000 }))).status).toBe('succeeded');
    expect((await job('restart', (ctx) => stackLifecycle(stack, 'restart', ctx, { healthTimeoutMs: 90_000 }))).status).toBe('succeeded');
    expect(await states()).toEqual({ postgres: 'running', memos: 'running' });
    const memos = (await (await fetch(`${demo.appUrl}/api/memos`)).json()) as { content: string }[];
    expect(memos.map((m) => m.content)).toContain('kept across stop');
  }, 240_000);
});
