import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployStack, stackLifecycle } from '@/lib/deploy/deploy';
import { runPreflight } from '@/lib/deploy/preflight';
import { listStackServices } from '@/lib/docker';
import { detectCompose } from '@/lib/docker/compose-cli';
import { eventsAfter, runJob } from '@/lib/jobs';
import { loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { openDb } from '@/lib/store';
import { startDemoStack, type DemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
let demo: DemoStack;
let stack: Stack;

const states = async () => Object.fromEntries((await listStackServices(stack)).map((s) => [s.name, s.state]));
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const containerOf = (service: string) =>
  docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${demo.projectName}`, '--filter', `label=com.docker.compose.service=${service}`);
/** Runs `fn` with some env-file values replaced, then puts the file back. */
async function withEnv<T>(changes: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const good = fs.readFileSync(demo.envFile, 'utf8');
  const lines = good.split('\n').map((l) => {
    const k = /^([A-Z_][A-Z0-9_]*)=/.exec(l)?.[1];
    return k && k in changes ? `${k}=${changes[k]}` : l;
  });
  fs.writeFileSync(demo.envFile, lines.join('\n'));
  try {
    return await fn();
  } finally {
    fs.writeFileSync(demo.envFile, good);
  }
}
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
  it('refuses to change anything while a pre-flight check fails, saying what to fix (the doctor\'s env rules)', async () => {
    await withEnv({ MEMOS_AI_OPENAI_API_KEY: 'sk-your-openai-key' }, async () => {
      const checks = await runPreflight(stack);
      expect(checks.find((c) => c.id === 'env-file')).toMatchObject({ ok: false, detail: 'MEMOS_AI_OPENAI_API_KEY still holds an example API key "sk-your-…"' });
      expect(checks.find((c) => c.id === 'env-file')?.fix).toMatch(/\.env:\d+ \(MEMOS_AI_OPENAI_API_KEY\): Put the real API key/);
      expect(checks.filter((c) => c.id !== 'env-file').every((c) => c.ok)).toBe(true);
      const j = await job('deploy', (ctx) => deployStack(stack, ctx));
      expect(j.status).toBe('failed');
      expect(j.summary).toBe('Nothing was changed: 1 pre-flight check(s) failed (Env file has no placeholders).');
      expect(await states()).toEqual({ postgres: 'not-created', memos: 'not-created' });
    });
  });

  it('measures free disk at the stack dir and at Docker\'s data root', async () => {
    const root = docker('info', '--format', '{{.DockerRootDir}}');
    const disk = (await runPreflight(stack)).find((c) => c.id === 'disk');
    expect(disk?.ok).toBe(true);
    expect(disk?.detail).toMatch(new RegExp(`^stack dir ${stack.workingDir}: [\\d.]+ [GM]iB free; Docker's data root ${root}: [\\d.]+ [GM]iB free$`));
  });

  it('an image neither present nor resolvable in its registry fails the pre-flight; a local image passes', async () => {
    const present = (await runPreflight(stack)).find((c) => c.id === 'images');
    expect(present).toMatchObject({ ok: true, detail: 'All service images are present locally.' });
    await withEnv({ APP_TAG: '9.9.9-nope' }, async () => {
      const missing = (await runPreflight(stack)).find((c) => c.id === 'images');
      expect(missing).toMatchObject({ ok: false, fix: "Build it, or check the registry/tag (and the engine's registry login)." });
      expect(missing?.detail).toMatch(/^memos \(opsdeck\/demo-app:9\.9\.9-nope\): not present, and not pullable: \S/);
      const never = (await runPreflight({ ...stack, deploy: { pull: 'never', build: false } })).find((c) => c.id === 'images');
      expect(never).toMatchObject({ ok: false, detail: 'memos (opsdeck/demo-app:9.9.9-nope): not present, and this stack\'s deploy.pull is "never"' });
    });
  });

  it('reads the deploy option from opsdeck.yaml and rejects a bad value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-deploy-conf-'));
    fs.writeFileSync(path.join(dir, 'compose.yml'), 'services: {}\n');
    const conf = (deploy: string) => {
      fs.writeFileSync(path.join(dir, 'opsdeck.yaml'), `stacks:\n  - name: t\n    preset: generic\n    compose: compose.yml\n    deploy: ${deploy}\n`);
      return () => loadStacks({ cwd: dir, env: {} });
    };
    expect(conf('{ pull: never, build: true }')()[0].deploy).toEqual({ pull: 'never', build: true });
    expect(conf('{ build: true }')()[0].deploy).toEqual({ pull: 'missing', build: true });
    expect(conf('{ pull: sometimes }')).toThrow(/stacks\[0\]\.deploy\.pull.*must be "missing", "always" or "never"/);
  });

  it('a first deploy brings the stack up and waits until every service is healthy', async () => {
    const j = await job('deploy', (ctx) => deployStack(stack, ctx, { healthTimeoutMs: 90_000 }));
    expect(j.status, j.summary ?? '').toBe('succeeded');
    expect(await states()).toEqual({ postgres: 'running', memos: 'running' });
    expect((await demo.http('/healthz')).status).toBe(200);
  }, 180_000);

  it('applies a changed env file: the app is recreated with the new value, the database is left alone', async () => {
    const pgBefore = containerOf('postgres');
    const appBefore = containerOf('memos');
    const changed = 'http://127.0.0.1:11499';
    const kept = fs.readFileSync(demo.envFile, 'utf8');
    fs.writeFileSync(demo.envFile, kept.replace(/^MEMOS_AI_OLLAMA_BASE_URL=.*$/m, `MEMOS_AI_OLLAMA_BASE_URL=${changed}`));
    const never: Stack = { ...stack, deploy: { pull: 'never', build: false } };
    const j = await job('deploy', (ctx) => deployStack(never, ctx, { healthTimeoutMs: 90_000 }));
    expect(j.status, j.summary ?? '').toBe('succeeded');
    const appAfter = containerOf('memos');
    expect(appAfter).not.toBe(appBefore);
    expect(containerOf('postgres')).toBe(pgBefore);
    expect(JSON.parse(docker('inspect', '--format', '{{json .Config.Env}}', appAfter))).toContain(`MEMOS_AI_OLLAMA_BASE_URL=${changed}`);
    const log = eventsAfter(j.id, 0).map((e) => e.text);
    expect(log).toContain('Bringing the stack to its compose file (pull: never)');
    // v2 gets the policy as a flag; v1 has none, and says how "never" is held instead.
    if ((await detectCompose()).kind === 'v2') expect(log).toContain('$ compose up -d --remove-orphans --pull never');
    else expect(log).toEqual(expect.arrayContaining(['$ compose up -d --remove-orphans', expect.stringMatching(/^docker-compose v1 has no --pull/)]));
  }, 180_000);

  it('stop keeps containers and volumes; start and restart end healthy', async () => {
    expect((await demo.http('/api/memos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'kept across stop' }) })).status).toBe(201);
    expect((await job('stop', (ctx) => stackLifecycle(stack, 'stop', ctx))).status).toBe('succeeded');
    // Docker 26's container list can say "running" for a moment after a stop returned: wait for it.
    await expect.poll(states, { timeout: 10_000, interval: 50 }).toEqual({ postgres: 'stopped', memos: 'stopped' });
    expect((await job('start', (ctx) => stackLifecycle(stack, 'start', ctx, { healthTimeoutMs: 90_000 }))).status).toBe('succeeded');
    expect((await job('restart', (ctx) => stackLifecycle(stack, 'restart', ctx, { healthTimeoutMs: 90_000 }))).status).toBe('succeeded');
    expect(await states()).toEqual({ postgres: 'running', memos: 'running' });
    const memos = (await (await demo.http('/api/memos')).json()) as { content: string }[];
    expect(memos.map((m) => m.content)).toContain('kept across stop');
  }, 240_000);
});
