/**
 * A local stand-in for the AI providers a stack calls, on 127.0.0.1 (real providers cannot be
 * reached from here). It speaks their wire formats: OpenAI-compatible `/v1/models`,
 * `/v1/chat/completions`, `/v1/embeddings` (DeepSeek, SiliconFlow, OpenAI), SiliconFlow's
 * `/v1/rerank` (the Jina/Cohere shape), and Ollama's `/api/version`, `/api/tags`, `/api/embed`,
 * `/api/generate`. The `/v1` prefix is optional, as DeepSeek's base URL has none. Its mode can be
 * switched at run time to be slow, reject the key, rate-limit, run out of quota, fail, drop the
 * connection or answer garbage.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode = 'ok' | 'slow' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'quota' | 'server_error' | 'drop' | 'garbage';

export interface FakeAiProviderOptions {
  /** Bearer keys accepted on the OpenAI-compatible paths (default: any non-empty key). */
  keys?: string[];
  /** Model ids listed and served on the OpenAI-compatible paths. */
  models?: string[];
  /** Ollama models pulled, with their tags. */
  ollamaModels?: string[];
  /** Embedding dimension per model (default 1024). */
  dimensions?: Record<string, number>;
  slowMs?: number;
  /** Seconds until the fake rate limit resets, sent in the 429's headers. */
  resetSec?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
  at: number;
}

export interface FakeAiProvider {
  url: string;
  port: number;
  readonly mode: FakeMode;
  setMode(mode: FakeMode, opts?: { slowMs?: number; resetSec?: number }): void;
  setModels(models: string[]): void;
  setDimension(model: string, dimension: number): void;
  requests: RecordedRequest[];
  /** Most requests in flight at once on one path (to check probes never overlap). */
  maxConcurrent(path: string): number;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['deepseek-chat', 'BAAI/bge-m3', 'BAAI/bge-reranker-v2-m3', 'Qwen/Qwen2.5-7B-Instruct', 'gpt-4o', 'text-embedding-3-small'];

export async function startFakeAiProvider(opts: FakeAiProviderOptions = {}): Promise<FakeAiProvider> {
  let mode: FakeMode = 'ok';
  let slowMs = opts.slowMs ?? 3000;
  let resetSec = opts.resetSec ?? 20;
  let models = [...(opts.models ?? DEFAULT_MODELS)];
  const ollamaModels = opts.ollamaModels ?? ['llama3.1:latest', 'nomic-embed-text:latest'];
  const dimensions: Record<string, number> = { 'text-embedding-3-small': 1536, 'nomic-embed-text': 768, ...opts.dimensions };
  const requests: RecordedRequest[] = [];
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const vector = (dim: number) => Array.from({ length: dim }, (_, i) => Math.sin(i + 1) / 10);
  const dimOf = (model: string) => dimensions[model] ?? dimensions[model.replace(/:latest$/, '')] ?? 1024;
  const unknownModel = (res: http.ServerResponse, model: unknown) =>
    json(res, 404, { error: { message: `The model \`${String(model)}\` does not exist`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown) => {
    const ollama = path.startsWith('/api/');
    const auth = req.headers.authorization;
    const key = auth?.replace(/^Bearer\s+/i, '') ?? '';
    if (mode === 'slow') await new Promise((r) => setTimeout(r, slowMs));
    if (mode === 'drop') {
      req.socket.destroy();
      return;
    }
    if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>502 Bad Gateway</body></html> {"data": [');
      return;
    }
    if (mode === 'server_error') return json(res, 500, { error: { message: 'Internal server error', type: 'server_error' } });
    if (mode === 'rate_limited') {
      return json(res, 429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, {
        'retry-after': String(resetSec),
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${resetSec}s`,
      });
    }
    if (mode === 'quota') return json(res, 402, { code: 30001, message: 'Sorry, your account balance is insufficient', data: null });
    if (!ollama && mode === 'forbidden') {
      // OpenAI's answer to a valid key used from a project or region it is not allowed in.
      return json(res, 403, { error: { message: 'Project does not have access to this model', type: 'invalid_request_error', param: null, code: 'unsupported_country_region_territory' } });
    }
    if (!ollama && (mode === 'unauthorized' || !key || (opts.keys && !opts.keys.includes(key)))) {
      // Like OpenAI, echo the key: the client must scrub it before showing the message.
      return json(res, 401, { error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    switch (`${req.method} ${path}`) {
      case 'GET /models':
        return json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'fake' })) });
      case 'POST /chat/completions':
        if (!models.includes(String(b.model))) return unknownModel(res, b.model);
        return json(res, 200, {
          id: `chatcmpl-${crypto.randomBytes(6).toString('hex')}`, object: 'chat.completion', created: now, model: b.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, finish_reason: 'length' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        });
      case 'POST /embeddings': {
        if (!models.includes(String(b.model))) return unknownModel(res, b.model);
        const inputs = Array.isArray(b.input) ? b.input : [b.input];
        return json(res, 200, {
          object: 'list', model: b.model,
          data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: vector(dimOf(String(b.model))) })),
          usage: { prompt_tokens: 4, total_tokens: 4 },
        });
      }
      case 'POST /rerank': {
        if (!models.includes(String(b.model))) return json(res, 400, { code: 20012, message: 'Model does not exist. Please check it carefully.', data: null });
        const docs = Array.isArray(b.documents) ? b.documents : [];
        const results = docs.map((_, index) => ({ index, relevance_score: 1 / (index + 2) })).sort((x, y) => y.relevance_score - x.relevance_score);
        return json(res, 200, { id: crypto.randomUUID(), results, meta: { tokens: { input_tokens: 20, output_tokens: 0 } } });
      }
      case 'GET /api/version':
        return json(res, 200, { version: '0.5.7' });
      case 'GET /api/tags':
        return json(res, 200, {
          models: ollamaModels.map((name) => ({ name, model: name, modified_at: '2025-01-01T00:00:00Z', size: 1000, digest: 'sha256:0', details: { format: 'gguf' } })),
        });
      case 'POST /api/embed':
        if (!ollamaModels.includes(String(b.model)) && !ollamaModels.includes(`${String(b.model)}:latest`)) {
          return json(res, 404, { error: `model "${String(b.model)}" not found, try pulling it first` });
        }
        return json(res, 200, { model: b.model, embeddings: [vector(dimOf(String(b.model)))], total_duration: 1000, prompt_eval_count: 3 });
      case 'POST /api/generate':
        if (!ollamaModels.includes(String(b.model)) && !ollamaModels.includes(`${String(b.model)}:latest`)) {
          return json(res, 404, { error: `model "${String(b.model)}" not found, try pulling it first` });
        }
        return json(res, 200, { model: b.model, created_at: new Date().toISOString(), response: 'OK', done: true, done_reason: 'length' });
      default:
        return json(res, 404, { error: { message: `Unknown request URL: ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(/^\/v1(?=\/)/, '');
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        return json(res, 400, { error: { message: 'invalid JSON body' } });
      }
      requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body, at: Date.now() });
      active.set(path, (active.get(path) ?? 0) + 1);
      peak.set(path, Math.max(peak.get(path) ?? 0, active.get(path)!));
      void handle(req, res, path, body)
        .catch(() => res.destroy())
        .finally(() => active.set(path, (active.get(path) ?? 1) - 1));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return mode;
    },
    setMode(m, o = {}) {
      mode = m;
      if (o.slowMs !== undefined) slowMs = o.slowMs;
      if (o.resetSec !== undefined) resetSec = o.resetSec;
    },
    setModels(m) {
      models = [...m];
    },
    setDimension(model, dimension) {
      dimensions[model] = dimension;
    },
    requests,
    maxConcurrent: (path) => peak.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Points a demo env file's AI base URLs (SiliconFlow, DeepSeek) at the fake provider at `url`. */
export function pointDemoAiAt(envFile: string, url: string): void {
  const text = fs.readFileSync(envFile, 'utf8')
    .replace(/^MEMOS_AI_SILICONFLOW_BASE_URL=.*$/m, `MEMOS_AI_SILICONFLOW_BASE_URL=${url}/v1`)
    .replace(/^MEMOS_AI_DEEPSEEK_BASE_URL=.*$/m, `MEMOS_AI_DEEPSEEK_BASE_URL=${url}`);
  fs.writeFileSync(envFile, text);
}
