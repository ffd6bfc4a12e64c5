/**
 * Turns what fetch threw, or what a provider answered, into a named failure and one line an
 * operator can act on. Provider error bodies are quoted (they say things like "model does not
 * exist"), so every message is scrubbed: some providers echo the key they rejected.
 */
import { redactSecrets } from '@/lib/secrets';
import type { FailureKind } from './types';

export interface Classified {
  kind: FailureKind;
  message: string;
  resetAt?: number;
}

/** Key-shaped tokens a provider may echo back (`sk-…`, bearer tokens) even when we do not know them. */
const TOKEN_LIKE = /\b(sk|pk|key|tok)-[A-Za-z0-9_*.-]{8,}/g;

export function scrub(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets).replace(TOKEN_LIKE, (m) => `${m.slice(0, 3)}••••`);
}

function errorCodes(e: unknown): { codes: string[]; messages: string[]; names: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const names: string[] = [];
  const seen = new Set<unknown>();
  const visit = (x: unknown, depth: number) => {
    if (!x || typeof x !== 'object' || seen.has(x) || depth > 6) return;
    seen.add(x);
    const err = x as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof err.code === 'string') codes.push(err.code);
    if (typeof err.message === 'string') messages.push(err.message);
    if (typeof err.name === 'string') names.push(err.name);
    visit(err.cause, depth + 1);
    // Happy-eyeballs connects fail with an AggregateError holding one error per address.
    if (Array.isArray(err.errors)) for (const inner of err.errors) visit(inner, depth + 1);
  };
  visit(e, 0);
  return { codes, messages, names };
}

const isTlsCode = (c: string) =>
  c === 'EPROTO' || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || /CERT|SSL|TLS|SIGNATURE/.test(c);

/** A thrown fetch error (network level: nothing came back, or the reply was cut). */
export function classifyError(e: unknown, ctx: { url: string; timeoutMs: number; secrets: readonly string[] }): Classified {
  const { codes, messages, names } = errorCodes(e);
  let host = ctx.url;
  try {
    host = new URL(ctx.url).host;
  } catch {
    /* keep the raw text; it is scrubbed below */
  }
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  let out: Classified;
  if (names.includes('TimeoutError')) {
    out = { kind: 'timeout', message: `no reply from ${host} within ${Math.round(ctx.timeoutMs / 100) / 10} s (timeout)` };
  } else if (names.includes('AbortError')) {
    out = { kind: 'timeout', message: `probe of ${host} was cancelled before a reply` };
  } else if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
    out = { kind: 'dns', message: `DNS lookup failed for ${host.replace(/:\d+$/, '')} (host name not found)` };
  } else if (has('ECONNREFUSED')) {
    out = { kind: 'refused', message: `connection refused by ${host} (nothing listening there)` };
  } else if (codes.some(isTlsCode) || messages.some((m) => /ssl|tls|certificate/i.test(m))) {
    const detail = codes.find(isTlsCode) ?? 'handshake failed';
    out = { kind: 'tls', message: `TLS error talking to ${host}: ${detail}` };
  } else if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED', 'ECONNABORTED')) {
    out = { kind: 'connection', message: `${host} dropped the connection before replying` };
  } else if (has('EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
    out = { kind: 'timeout', message: `${host} could not be reached (network unreachable or connect timeout)` };
  } else if (has('ERR_INVALID_URL') || messages.some((m) => /Failed to parse URL|includes credentials/.test(m))) {
    out = { kind: 'config', message: `the base URL is not usable for requests (${messages[messages.length - 1] ?? 'invalid URL'})` };
  } else {
    out = { kind: 'connection', message: `request to ${host} failed: ${messages[messages.length - 1] ?? 'unknown network error'}` };
  }
  return { ...out, message: scrub(out.message, ctx.secrets) };
}

/** OpenAI-style durations: "20s", "1m30s", "6m0s", "250ms", "1.5s". */
function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  return matched === text.trim() && matched !== '' ? total : undefined;
}

/**
 * When a rate limit or quota resets, from whichever header the provider sends: `Retry-After`
 * (seconds or an HTTP date), OpenAI's `x-ratelimit-reset-requests|tokens` (durations),
 * `x-ratelimit-reset` / `ratelimit-reset` (seconds from now, or an epoch when that is larger).
 */
export function parseResetTime(headers: Headers, now = Date.now()): number | undefined {
  const candidates: number[] = [];
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) candidates.push(now + Number(retryAfter) * 1000);
    else {
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) candidates.push(date);
    }
  }
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const v = headers.get(name)?.trim();
    const ms = v ? (/^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : parseDuration(v)) : undefined;
    if (ms !== undefined) candidates.push(now + ms);
  }
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset']) {
    const v = headers.get(name)?.trim();
    if (!v || !/^\d+(\.\d+)?$/.test(v)) continue;
    const n = Number(v);
    // Epoch seconds are > 1e9; smaller numbers are "seconds from now".
    candidates.push(n > 1e12 ? n : n > 1e9 ? n * 1000 : now + n * 1000);
  }
  // The latest one: the request only succeeds once every limit has reset.
  return candidates.length ? Math.max(...candidates) : undefined;
}

/** The provider's own error text, from the shapes OpenAI, SiliconFlow, Ollama and Cohere use. */
export function providerMessage(body: string): { message?: string; code?: string } {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const err = j.error;
    if (err && typeof err === 'object') {
      const e = err as { message?: unknown; code?: unknown; type?: unknown };
      return { message: typeof e.message === 'string' ? e.message : undefined, code: String(e.code ?? e.type ?? '') || undefined };
    }
    if (typeof err === 'string') return { message: err };
    if (typeof j.message === 'string') return { message: j.message, code: j.code !== undefined ? String(j.code) : undefined };
  } catch {
    /* not JSON: fall through to the raw text */
  }
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return { message: text || undefined };
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s);

const formatReset = (at: number) => new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

/** A non-2xx reply. `model` names the model asked for, for "unknown model" messages. */
export function classifyHttp(
  status: number,
  headers: Headers,
  body: string,
  ctx: { model?: string; secrets: readonly string[]; now?: number },
): Classified {
  const said = providerMessage(body);
  const quoted = said.message ? `: ${clip(said.message)}` : '';
  const code = (said.code ?? '').toLowerCase();
  const modelText = `${said.message ?? ''} ${code}`;
  const aboutModel = /model/i.test(modelText) && /(not ?found|not exist|does not exist|unknown|invalid|no such|not available)/i.test(modelText);
  let out: Classified;
  if (status === 401 || status === 403) {
    out = { kind: 'auth', message: `HTTP ${status}: invalid API key or no access${quoted}` };
  } else if (status === 402 || (status === 429 && /quota|insufficient|balance|billing/i.test(modelText))) {
    const resetAt = parseResetTime(headers, ctx.now);
    out = { kind: 'quota', message: `HTTP ${status}: quota exhausted or payment required${resetAt ? `, resets ${formatReset(resetAt)}` : ''}${quoted}`, resetAt };
  } else if (status === 429) {
    const resetAt = parseResetTime(headers, ctx.now);
    out = { kind: 'rate_limit', message: `HTTP 429: rate limited${resetAt ? `, resets ${formatReset(resetAt)}` : ' (no reset time sent)'}${quoted}`, resetAt };
  } else if (aboutModel && (status === 404 || status === 400 || status === 422)) {
    out = { kind: 'model_not_found', message: `HTTP ${status}: unknown model${ctx.model ? ` "${ctx.model}"` : ''}${quoted}` };
  } else if (status === 404) {
    // A bare 404 is as often a base URL missing its /v1 as an unknown model: say both.
    const what = ctx.model ? `unknown model "${ctx.model}" or wrong base URL` : 'endpoint not found; check the base URL (…/v1?)';
    out = { kind: 'model_not_found', message: `HTTP 404: ${what}${quoted}` };
  } else if (status >= 500) {
    out = { kind: 'server_error', message: `HTTP ${status}: provider error${quoted}` };
  } else if (status >= 300 && status < 400) {
    out = { kind: 'http', message: `HTTP ${status}: redirected to ${headers.get('location') ?? '?'}; check the base URL` };
  } else {
    out = { kind: 'http', message: `HTTP ${status}${quoted}` };
  }
  return { ...out, message: scrub(out.message, ctx.secrets) };
}
