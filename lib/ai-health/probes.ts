/**
 * The probes. Light ones are free (list models, Ollama version and tags); deep ones make one real,
 * minimal call per role (1-token completion, one short embedding, a 2-document rerank) because
 * they cost money. Each returns a ProbeResult; a failure is data, not an exception.
 */
import { scrub } from './classify';
import { callJson, joinUrl, malformed, ProbeError } from './http';
import type { Dependency, ProbeKind, ProbeResult } from './types';

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const LIGHT_TIMEOUT_MS = 10_000;
export const DEEP_TIMEOUT_MS = 30_000;

interface Outcome {
  latencyMs: number;
  message: string;
  dimension?: number;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const RERANK_DOCUMENTS = ['Opsdeck checks that the stack is healthy.', 'An unrelated sentence about the weather.'];

/** Ollama names carry a tag; `llama3.1` means `llama3.1:latest`. */
function ollamaHas(names: string[], model: string): boolean {
  const want = model.includes(':') ? model : `${model}:latest`;
  return names.some((n) => n === model || n === want);
}

async function lightOpenAi(dep: Dependency, o: Required<Pick<ProbeOptions, 'timeoutMs'>> & ProbeOptions): Promise<Outcome> {
  const { json, latencyMs } = await callJson(joinUrl(dep.baseUrl, 'models'), { apiKey: dep.apiKey, timeoutMs: o.timeoutMs, signal: o.signal });
  if (!isObj(json) || !Array.isArray(json.data)) throw malformed('GET /models did not return {"data": [...]}');
  const ids = json.data.filter(isObj).map((m) => String(m.id ?? ''));
  const listed = ids.includes(dep.model) || ids.some((id) => id.toLowerCase() === dep.model.toLowerCase());
  if (!listed) {
    throw new ProbeError({ kind: 'model_not_found', message: `unknown model: "${dep.model}" is not among the ${ids.length} models the provider lists` });
  }
  return { latencyMs, message: `model listed (${ids.length} models available)` };
}

async function lightOllama(dep: Dependency, o: Required<Pick<ProbeOptions, 'timeoutMs'>> & ProbeOptions): Promise<Outcome> {
  const version = await callJson(joinUrl(dep.baseUrl, 'api/version'), { timeoutMs: o.timeoutMs, signal: o.signal });
  if (!isObj(version.json) || typeof version.json.version !== 'string') throw malformed('GET /api/version did not return {"version": "…"}');
  const tags = await callJson(joinUrl(dep.baseUrl, 'api/tags'), { timeoutMs: o.timeoutMs, signal: o.signal });
  if (!isObj(tags.json) || !Array.isArray(tags.json.models)) throw malformed('GET /api/tags did not return {"models": [...]}');
  const names = tags.json.models.filter(isObj).map((m) => String(m.name ?? m.model ?? ''));
  const latencyMs = version.latencyMs + tags.latencyMs;
  if (!ollamaHas(names, dep.model)) {
    throw new ProbeError({ kind: 'model_not_found', message: `unknown model: "${dep.model}" is not pulled on this Ollama (run: ollama pull ${dep.model})` });
  }
  return { latencyMs, message: `Ollama ${version.json.version}, model pulled` };
}

function checkDimension(dep: Dependency, vector: unknown, where: string): number {
  if (!Array.isArray(vector) || vector.length === 0 || !vector.every((v) => typeof v === 'number')) {
    throw malformed(`${where} holds no vector of numbers`);
  }
  if (dep.expectedDimension !== undefined && vector.length !== dep.expectedDimension) {
    throw new ProbeError({
      kind: 'mismatch',
      message: `embedding has ${vector.length} dimensions; the stack expects ${dep.expectedDimension} for "${dep.model}"`,
    });
  }
  return vector.length;
}

async function deepOpenAi(dep: Dependency, o: Required<Pick<ProbeOptions, 'timeoutMs'>> & ProbeOptions): Promise<Outcome> {
  const call = (path: string, body: unknown) =>
    callJson(joinUrl(dep.baseUrl, path), { method: 'POST', apiKey: dep.apiKey, body, timeoutMs: o.timeoutMs, signal: o.signal, model: dep.model });
  if (dep.role === 'chat' || dep.role === 'intent') {
    const { json, latencyMs } = await call('chat/completions', {
      model: dep.model,
      messages: [{ role: 'user', content: 'Reply with OK.' }],
      max_tokens: 1,
      temperature: 0,
      stream: false,
    });
    const first = isObj(json) && Array.isArray(json.choices) ? json.choices[0] : undefined;
    if (!isObj(first) || !(isObj(first.message) || typeof first.text === 'string')) throw malformed('chat completion without choices[0].message');
    return { latencyMs, message: 'chat completion answered (max_tokens 1)' };
  }
  if (dep.role === 'embedding') {
    const { json, latencyMs } = await call('embeddings', { model: dep.model, input: ['Opsdeck health check'], encoding_format: 'float' });
    const first = isObj(json) && Array.isArray(json.data) ? json.data[0] : undefined;
    const dimension = checkDimension(dep, isObj(first) ? first.embedding : undefined, 'data[0].embedding');
    return { latencyMs, dimension, message: `embedding returned ${dimension} dimensions` };
  }
  // Rerank: SiliconFlow, Jina and Cohere share this request and the results[].relevance_score reply.
  const { json, latencyMs } = await call('rerank', { model: dep.model, query: 'Is the stack healthy?', documents: RERANK_DOCUMENTS, return_documents: false });
  if (!isObj(json) || !Array.isArray(json.results)) throw malformed('rerank reply without "results"');
  const scored = new Set(
    json.results.filter((r) => isObj(r) && typeof r.index === 'number' && typeof r.relevance_score === 'number').map((r) => (r as { index: number }).index),
  );
  const missing = RERANK_DOCUMENTS.filter((_, i) => !scored.has(i)).length;
  if (missing > 0) throw malformed(`rerank scored ${RERANK_DOCUMENTS.length - missing} of ${RERANK_DOCUMENTS.length} documents`);
  return { latencyMs, message: `rerank scored all ${RERANK_DOCUMENTS.length} documents` };
}

async function deepOllama(dep: Dependency, o: Required<Pick<ProbeOptions, 'timeoutMs'>> & ProbeOptions): Promise<Outcome> {
  const call = (path: string, body: unknown) =>
    callJson(joinUrl(dep.baseUrl, path), { method: 'POST', body, timeoutMs: o.timeoutMs, signal: o.signal, model: dep.model });
  if (dep.role === 'embedding') {
    const { json, latencyMs } = await call('api/embed', { model: dep.model, input: 'Opsdeck health check' });
    const first = isObj(json) && Array.isArray(json.embeddings) ? json.embeddings[0] : undefined;
    const dimension = checkDimension(dep, first, 'embeddings[0]');
    return { latencyMs, dimension, message: `embedding returned ${dimension} dimensions` };
  }
  if (dep.role === 'rerank') throw new ProbeError({ kind: 'unsupported', message: 'Ollama has no rerank endpoint; nothing to probe' });
  const { json, latencyMs } = await call('api/generate', { model: dep.model, prompt: 'Reply with OK.', stream: false, options: { num_predict: 1 } });
  if (!isObj(json) || typeof json.response !== 'string') throw malformed('/api/generate without "response"');
  return { latencyMs, message: 'generation answered (1 token)' };
}

export async function runProbe(dep: Dependency, probe: ProbeKind, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const at = Date.now();
  const o = { ...opts, timeoutMs: opts.timeoutMs ?? (probe === 'light' ? LIGHT_TIMEOUT_MS : DEEP_TIMEOUT_MS) };
  const started = performance.now();
  try {
    const fn = probe === 'light' ? (dep.kind === 'ollama' ? lightOllama : lightOpenAi) : dep.kind === 'ollama' ? deepOllama : deepOpenAi;
    const out = await fn(dep, o);
    return { ok: true, probe, at, latencyMs: out.latencyMs, message: out.message, ...(out.dimension ? { dimension: out.dimension } : {}) };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - started);
    if (e instanceof ProbeError) {
      return { ok: false, probe, at, latencyMs, failure: e.kind, message: e.message, ...(e.resetAt ? { resetAt: e.resetAt } : {}) };
    }
    // A bug here, not a provider failure: log it for us, scrubbed like everything else.
    console.error('[ai-health] probe crashed:', scrub(e instanceof Error ? (e.stack ?? e.message) : String(e), dep.apiKey ? [dep.apiKey] : []));
    return { ok: false, probe, at, latencyMs, failure: 'malformed', message: 'the probe failed unexpectedly; see the Opsdeck log' };
  }
}
