/**
 * Every probe and every named failure over real HTTP, against the local fake provider speaking the
 * OpenAI-compatible, SiliconFlow rerank and Ollama wire formats.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runProbe } from '@/lib/ai-health/probes';
import type { Dependency } from '@/lib/ai-health/types';
import { startFakeAiProvider, type FakeAiProvider } from '../support/fake-ai-provider';
import { freePort } from '../support/demo-stack';

const KEY = 'sk-test-siliconflow-7d1e9a2b4c6f';
let fake: FakeAiProvider;

const dep = (over: Partial<Dependency> = {}): Dependency => ({
  stack: 'demo', id: 'env-chat', source: 'env', label: 'SiliconFlow', kind: 'openai', role: 'chat',
  model: 'deepseek-chat', baseUrl: `${fake.url}/v1`, apiKey: KEY, ...over,
});

beforeAll(async () => {
  fake = await startFakeAiProvider({ keys: [KEY] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.setMode('ok');
  fake.setModels(['deepseek-chat', 'BAAI/bge-m3', 'BAAI/bge-reranker-v2-m3']);
  fake.setDimension('BAAI/bge-m3', 1024);
});

describe('light probes', () => {
  it('OpenAI-compatible: GET {base}/models with the key, model listed', async () => {
    const r = await runProbe(dep(), 'light');
    expect(r).toMatchObject({ ok: true, probe: 'light', message: 'model listed (3 models available)' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    const last = fake.requests.at(-1)!;
    expect(last).toMatchObject({ method: 'GET', path: '/models', authorization: `Bearer ${KEY}` });
  });

  it('a base URL without /v1 (DeepSeek style) works the same', async () => {
    expect((await runProbe(dep({ baseUrl: fake.url }), 'light')).ok).toBe(true);
  });

  it('a model the provider does not list is an unknown model', async () => {
    const r = await runProbe(dep({ model: 'deepseek-reasoner' }), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'model_not_found' });
    expect(r.message).toContain('"deepseek-reasoner" is not among the 3 models');
  });

  it('Ollama: /api/version and /api/tags, with and without the tag', async () => {
    const ollama = dep({ kind: 'ollama', baseUrl: fake.url, apiKey: undefined, model: 'llama3.1' });
    expect(await runProbe(ollama, 'light')).toMatchObject({ ok: true, message: 'Ollama 0.5.7, model pulled' });
    expect((await runProbe({ ...ollama, model: 'llama3.1:latest' }, 'light')).ok).toBe(true);
    const missing = await runProbe({ ...ollama, model: 'qwen2.5' }, 'light');
    expect(missing).toMatchObject({ ok: false, failure: 'model_not_found' });
    expect(missing.message).toContain('ollama pull qwen2.5');
  });
});

describe('failures are named', () => {
  it('a rejected key: 401, "invalid API key", and the echoed key scrubbed', async () => {
    fake.setMode('unauthorized');
    const r = await runProbe(dep(), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'auth' });
    expect(r.message).toMatch(/^HTTP 401: invalid API key/);
    expect(r.message).not.toContain(KEY);
    // The fake really echoed it: the scrubbing is what kept it out.
    expect(r.message).toContain('••••4c6f');
  });

  it('a key the provider refuses for this model or region: 403 is named as a key problem', async () => {
    fake.setMode('forbidden');
    const r = await runProbe(dep(), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'auth' });
    expect(r.message).toMatch(/^HTTP 403/);
    expect(r.message).toContain('Project does not have access');
  });

  it('429 with the reset time the provider sent', async () => {
    fake.setMode('rate_limited', { resetSec: 30 });
    const before = Date.now();
    const r = await runProbe(dep(), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'rate_limit' });
    expect(r.resetAt).toBeGreaterThanOrEqual(before + 30_000);
    expect(r.resetAt).toBeLessThanOrEqual(Date.now() + 30_000);
    expect(r.message).toMatch(/rate limited, resets \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  it('402 is quota', async () => {
    fake.setMode('quota');
    expect(await runProbe(dep(), 'deep')).toMatchObject({ ok: false, failure: 'quota' });
  });

  it('500 is a provider error', async () => {
    fake.setMode('server_error');
    expect(await runProbe(dep(), 'light')).toMatchObject({ ok: false, failure: 'server_error', message: 'HTTP 500: provider error: Internal server error' });
  });

  it('a dropped connection', async () => {
    fake.setMode('drop');
    const r = await runProbe(dep(), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'connection' });
    expect(r.message).toContain('dropped the connection');
  });

  it('garbage is a malformed reply', async () => {
    fake.setMode('garbage');
    const r = await runProbe(dep(), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'malformed' });
    expect(r.message).toContain('not JSON');
  });

  it('a slow provider times out at the limit', async () => {
    fake.setMode('slow', { slowMs: 2000 });
    const r = await runProbe(dep(), 'light', { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, failure: 'timeout' });
    expect(r.message).toContain('within 0.3 s');
    expect(r.latencyMs).toBeGreaterThanOrEqual(290);
    expect(r.latencyMs).toBeLessThan(1500);
  });

  it('nothing listening is connection refused', async () => {
    const port = await freePort();
    expect(await runProbe(dep({ baseUrl: `http://127.0.0.1:${port}/v1` }), 'light')).toMatchObject({ ok: false, failure: 'refused' });
  });

  it('TLS spoken to a plain HTTP server is a TLS failure', async () => {
    const r = await runProbe(dep({ baseUrl: `https://127.0.0.1:${fake.port}/v1` }), 'light');
    expect(r).toMatchObject({ ok: false, failure: 'tls' });
  });
});

describe('deep probes', () => {
  it('chat: a completion with max_tokens 1', async () => {
    expect(await runProbe(dep(), 'deep')).toMatchObject({ ok: true, probe: 'deep', message: 'chat completion answered (max_tokens 1)' });
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/chat/completions');
    expect(req.body).toMatchObject({ model: 'deepseek-chat', max_tokens: 1 });
  });

  it('chat with an unknown model: 404', async () => {
    const r = await runProbe(dep({ model: 'gpt-9' }), 'deep');
    expect(r).toMatchObject({ ok: false, failure: 'model_not_found' });
    expect(r.message).toContain('unknown model "gpt-9"');
  });

  it('embedding: the dimension is measured and checked against what the stack expects', async () => {
    const emb = dep({ id: 'env-embedding', role: 'embedding', model: 'BAAI/bge-m3', expectedDimension: 1024 });
    expect(await runProbe(emb, 'deep')).toMatchObject({ ok: true, dimension: 1024, message: 'embedding returned 1024 dimensions' });
    fake.setDimension('BAAI/bge-m3', 768);
    const r = await runProbe(emb, 'deep');
    expect(r).toMatchObject({ ok: false, failure: 'mismatch', message: 'embedding has 768 dimensions; the stack expects 1024 for "BAAI/bge-m3"' });
  });

  it('rerank: a score for every document, in the SiliconFlow shape', async () => {
    const rr = dep({ id: 'env-rerank', role: 'rerank', model: 'BAAI/bge-reranker-v2-m3' });
    expect(await runProbe(rr, 'deep')).toMatchObject({ ok: true, message: 'rerank scored all 2 documents' });
    expect(fake.requests.at(-1)).toMatchObject({ path: '/rerank', body: { model: 'BAAI/bge-reranker-v2-m3', documents: expect.any(Array) } });
    // SiliconFlow answers an unknown model with HTTP 400 and its own code.
    expect(await runProbe({ ...rr, model: 'BAAI/nope' }, 'deep')).toMatchObject({ ok: false, failure: 'model_not_found' });
  });

  it('Ollama: /api/embed dimension and /api/generate; no rerank to probe', async () => {
    const base = dep({ kind: 'ollama', baseUrl: fake.url, apiKey: undefined });
    expect(await runProbe({ ...base, role: 'embedding', model: 'nomic-embed-text', expectedDimension: 768 }, 'deep')).toMatchObject({ ok: true, dimension: 768 });
    expect(await runProbe({ ...base, role: 'chat', model: 'llama3.1' }, 'deep')).toMatchObject({ ok: true, message: 'generation answered (1 token)' });
    expect(await runProbe({ ...base, role: 'chat', model: 'mistral' }, 'deep')).toMatchObject({ ok: false, failure: 'model_not_found' });
    expect(await runProbe({ ...base, role: 'rerank', model: 'x' }, 'deep')).toMatchObject({ ok: false, failure: 'unsupported' });
  });
});
