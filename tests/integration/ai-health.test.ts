/**
 * The AI-health engine end to end over real HTTP and a real SQLite store: the demo stack's env file
 * (a copy pointing at the fake provider), the scheduler, hysteresis, the never-twice lock, the
 * deep-probe rate limit, admin-added providers, retention, the page view and the metrics query.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAiScheduler, getAiHealthView, latestHealth, startAiScheduler, stopAiScheduler, type AiScheduler } from '@/lib/ai-health';
import { listDependencies } from '@/lib/ai-health/dependencies';
import { addAiProvider, removeAiProvider, runDeepProbe, updateProbeSettings } from '@/lib/ai-health/manage';
import { probeDependency } from '@/lib/ai-health/runner';
import { getState, pruneResults, recordResult, resultsSince, saveSettings } from '@/lib/ai-health/store';
import { clearStackCache, getStack } from '@/lib/stacks';
import { withTempDb } from '@/lib/store/temp-db';
import { DEMO_ENV_FILE } from '../support/demo-stack';
import { startFakeAiProvider, type FakeAiProvider } from '../support/fake-ai-provider';

const DEEPSEEK_KEY = 'sk-demo-deepseek-9c3a5e7b1d20';
const SF_KEY = 'sk-demo-siliconflow-4b1e8c0d2a7f';
const FAST = { lightIntervalSec: 1, deepIntervalSec: 0, latencyThresholdMs: 3000, failuresToDown: 2, successesToUp: 2 };

const tmp = withTempDb();
let fake: FakeAiProvider;
let envDir: string;
let scheduler: AiScheduler | null = null;
const savedEnv = process.env.OPSDECK_DEMO_ENV_FILE;

/** The demo env file, AI base URLs pointed at the fake provider, plus any overrides. */
function writeEnv(overrides: Record<string, string> = {}) {
  const vars: Record<string, string> = {
    MEMOS_AI_SILICONFLOW_BASE_URL: `${fake.url}/v1`,
    MEMOS_AI_DEEPSEEK_BASE_URL: fake.url,
    ...overrides,
  };
  const text = fs.readFileSync(DEMO_ENV_FILE, 'utf8').split('\n').map((line) => {
    const key = /^([A-Z_]+)=/.exec(line)?.[1];
    return key && key in vars ? `${key}=${vars[key]}` : line;
  });
  fs.writeFileSync(path.join(envDir, '.env'), text.join('\n'));
  clearStackCache();
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  fake = await startFakeAiProvider({ keys: [DEEPSEEK_KEY, SF_KEY] });
  envDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-ai-env-'));
  process.env.OPSDECK_DEMO_ENV_FILE = path.join(envDir, '.env');
});
afterAll(async () => {
  await fake.close();
  fs.rmSync(envDir, { recursive: true, force: true });
  if (savedEnv === undefined) delete process.env.OPSDECK_DEMO_ENV_FILE;
  else process.env.OPSDECK_DEMO_ENV_FILE = savedEnv;
  clearStackCache();
});
beforeEach(() => {
  fake.setMode('ok');
  writeEnv();
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = null;
  await stopAiScheduler();
});

const demoDeps = () => listDependencies(getStack('demo')).deps;
const dep = (id: string) => demoDeps().find((d) => d.id === id)!;

describe('scheduler and hysteresis', () => {
  it('shows a provider up, down with "invalid API key" once the key is rejected, and up again', async () => {
    for (const d of demoDeps()) saveSettings('demo', d.id, FAST);
    const errors = vi.spyOn(console, 'error');
    scheduler = createAiScheduler({ tickMs: 100 });

    await waitFor('chat up', () => getState('demo', 'env-chat').status === 'up');
    expect(getState('demo', 'env-chat').lastLatencyMs).toBeGreaterThanOrEqual(0);

    fake.setMode('unauthorized');
    const down = await waitFor('chat down', () => {
      const s = getState('demo', 'env-chat');
      return s.status === 'down' && s;
    });
    expect(down.reason).toMatch(/^HTTP 401: invalid API key/);
    expect(down.failStreak).toBeGreaterThanOrEqual(2);
    expect(down.lastFailure).toBe('auth');

    fake.setMode('ok');
    await waitFor('chat up again', () => getState('demo', 'env-chat').status === 'up');
    await scheduler.stop();

    // All four env dependencies were probed, each on its own.
    for (const id of ['env-chat', 'env-embedding', 'env-rerank', 'env-intent']) {
      expect(resultsSince('demo', id, 0, 'light').length, id).toBeGreaterThan(0);
    }
    // The keys are nowhere in the store (the fake echoed them in every 401) nor in the logs.
    tmp.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.readFileSync(tmp.file).toString('latin1');
    expect(bytes).toContain('invalid API key');
    expect(bytes).not.toContain(DEEPSEEK_KEY);
    expect(bytes).not.toContain(SF_KEY);
    const logged = errors.mock.calls.flat().map(String).join('\n');
    expect(logged).not.toContain(DEEPSEEK_KEY);
    errors.mockRestore();
  });

  it('never runs the same probe twice at once: a second caller joins the first run', async () => {
    fake.setMode('slow', { slowMs: 400 });
    const before = fake.requests.length;
    const d = dep('env-chat');
    const runs = await Promise.all(Array.from({ length: 5 }, () => probeDependency(d, 'light')));
    expect(new Set(runs).size).toBe(1);
    expect(fake.requests.length - before).toBe(1);
    expect(fake.maxConcurrent('/models')).toBe(1);
    expect(resultsSince('demo', 'env-chat', 0)).toHaveLength(1);
  });

  it('rate-limits deep probes, which cost money', async () => {
    const first = await runDeepProbe('demo', 'env-embedding');
    expect(first.result).toMatchObject({ ok: true, dimension: 1024 });
    await expect(runDeepProbe('demo', 'env-embedding')).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringContaining('try again in') });
    expect(fake.requests.filter((r) => r.path === '/embeddings')).toHaveLength(1);
  });

  it('runs scheduled deep probes when an admin asks for them', async () => {
    saveSettings('demo', 'env-rerank', { ...FAST, lightIntervalSec: 3600, deepIntervalSec: 60 });
    scheduler = createAiScheduler({ tickMs: 100 });
    await waitFor('deep rerank', () => getState('demo', 'env-rerank').lastDeepAt !== undefined);
    const s = getState('demo', 'env-rerank');
    expect(s).toMatchObject({ lastDeepOk: true, lastDeepMessage: 'rerank scored all 2 documents' });
    expect(s.nextDeepAt).toBe(s.lastDeepAt! + 60_000);
  });

  it('finds configuration mistakes without calling anyone', async () => {
    writeEnv({ MEMOS_AI_LLM_PROVIDER: 'siliconflow', MEMOS_AI_SILICONFLOW_API_KEY: 'sk-your-siliconflow-key' });
    const before = fake.requests.length;
    scheduler = createAiScheduler({ tickMs: 100 });
    await waitFor('all down', () => demoDeps().every((d) => getState('demo', d.id).status === 'down'));
    await scheduler.stop();
    expect(fake.requests.length).toBe(before);
    expect(getState('demo', 'env-chat').reason).toContain('LLM_PROVIDER=siliconflow is not supported');
    expect(getState('demo', 'env-embedding').reason).toContain('placeholder');
  });

  it('stops cleanly: in-flight probes are cancelled and not recorded; one scheduler per process', async () => {
    fake.setMode('slow', { slowMs: 5000 });
    const s = startAiScheduler({ tickMs: 100 })!;
    expect(startAiScheduler()).toBe(s);
    await waitFor('probes in flight', () => s.inFlight() > 0);
    const t = Date.now();
    await stopAiScheduler();
    expect(Date.now() - t).toBeLessThan(2000);
    expect(s.running).toBe(false);
    expect(resultsSince('demo', 'env-chat', 0)).toHaveLength(0);
  });
});

describe('admin providers, settings, view and metrics', () => {
  it('an added provider is probed, shown masked, and removed with its history', async () => {
    const { id } = addAiProvider({ stack: 'demo', label: 'my vLLM', kind: 'openai', role: 'chat', baseUrl: `${fake.url}/v1`, apiKey: DEEPSEEK_KEY, model: 'deepseek-chat' });
    const ollama = addAiProvider({ stack: 'demo', label: 'local Ollama', kind: 'ollama', role: 'embedding', baseUrl: fake.url, model: 'nomic-embed-text', dimension: 768 });
    scheduler = createAiScheduler({ tickMs: 100 });
    await waitFor('providers up', () => getState('demo', id).status === 'up' && getState('demo', ollama.id).status === 'up');
    await scheduler.stop();

    const view = await getAiHealthView('demo');
    const mine = view.dependencies.find((d) => d.id === id)!;
    expect(mine).toMatchObject({ source: 'admin', label: 'my vLLM', status: 'up', keyMasked: '••••1d20' });
    expect(mine.series.length).toBeGreaterThan(0);
    expect(mine.p50).toBeLessThanOrEqual(mine.p95!);
    const json = JSON.stringify(view);
    expect(json).not.toContain(DEEPSEEK_KEY);
    expect(json).not.toContain(SF_KEY);
    expect(view.dependencies.find((d) => d.id === 'env-embedding')).toMatchObject({ keyVar: 'MEMOS_AI_SILICONFLOW_API_KEY', keyMasked: '••••2a7f', expectedDimension: 1024 });

    expect(latestHealth().find((h) => h.dep === id)).toMatchObject({ stack: 'demo', label: 'my vLLM', role: 'chat', model: 'deepseek-chat', status: 'up' });

    removeAiProvider('demo', id);
    expect(demoDeps().some((d) => d.id === id)).toBe(false);
    expect(resultsSince('demo', id, 0)).toHaveLength(0);
    expect(latestHealth().some((h) => h.dep === id)).toBe(false);
    expect(() => removeAiProvider('demo', 'env-chat')).toThrow(/Only providers added in Opsdeck/);
  });

  it('a hosted OpenAI-compatible provider added without a key is flagged before any call; a local one is not', () => {
    const before = fake.requests.length;
    const hosted = addAiProvider({ stack: 'demo', label: 'hosted, no key', kind: 'openai', role: 'chat', baseUrl: 'https://llm.example.test/v1', model: 'gpt-4o' });
    const local = addAiProvider({ stack: 'demo', label: 'local vLLM', kind: 'openai', role: 'chat', baseUrl: `${fake.url}/v1`, model: 'gpt-4o' });
    const { issues } = listDependencies(getStack('demo'));
    expect(issues.find((i) => i.dependency === hosted.id)).toMatchObject({ severity: 'warning', message: expect.stringContaining('has no API key') });
    expect(issues.some((i) => i.dependency === local.id)).toBe(false);
    removeAiProvider('demo', hosted.id);
    removeAiProvider('demo', local.id);
    // Found from the configuration alone: no probe ran.
    expect(fake.requests.length).toBe(before);
  });

  it('settings changes apply at once; degraded over the latency threshold', async () => {
    fake.setMode('slow', { slowMs: 150 });
    updateProbeSettings('demo', 'env-intent', { ...FAST, lightIntervalSec: 3600, latencyThresholdMs: 100 });
    scheduler = createAiScheduler({ tickMs: 100 });
    const s = await waitFor('intent degraded', () => {
      const st = getState('demo', 'env-intent');
      return st.status === 'degraded' && st;
    });
    expect(s.reason).toMatch(/^slow: \d+ ms, over the 100 ms threshold$/);
    expect(s.nextLightAt! - Date.now()).toBeGreaterThan(3500_000);
  });

  it('keeps results 7 days', () => {
    const now = Date.now();
    recordResult('demo', 'env-chat', { ok: true, probe: 'light', at: now - 8 * 86_400_000, latencyMs: 5, message: 'old' });
    recordResult('demo', 'env-chat', { ok: true, probe: 'light', at: now - 6 * 86_400_000, latencyMs: 5, message: 'recent' });
    expect(pruneResults(now)).toBe(1);
    expect(resultsSince('demo', 'env-chat', 0).map((r) => r.message)).toEqual(['recent']);
  });
});
