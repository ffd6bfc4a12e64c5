/**
 * The one HTTP call probes make: Node's fetch with a hard timeout, the key only in the
 * Authorization header, no redirects followed (a redirect could carry the key to another host),
 * and every failure turned into a ProbeError with a named kind and a scrubbed message.
 */
import { classifyError, classifyHttp, scrub, type Classified } from './classify';

export class ProbeError extends Error {
  readonly kind: Classified['kind'];
  readonly resetAt?: number;
  constructor(c: Classified) {
    super(c.message);
    this.name = 'ProbeError';
    this.kind = c.kind;
    this.resetAt = c.resetAt;
  }
}

/** Replies bigger than this are not what a health endpoint sends; refuse instead of buffering them. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CallOptions {
  method?: 'GET' | 'POST';
  apiKey?: string;
  body?: unknown;
  timeoutMs: number;
  /** Cancels the call when the scheduler stops. */
  signal?: AbortSignal;
  /** Model asked for, for "unknown model" messages. */
  model?: string;
}

export interface JsonReply {
  json: unknown;
  latencyMs: number;
}

async function readCapped(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new Error('reply too large');
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new Error('reply too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Joins a base URL and a path without doubling or dropping the slash: `{base}/models`. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export async function callJson(url: string, opts: CallOptions): Promise<JsonReply> {
  const secrets = opts.apiKey ? [opts.apiKey] : [];
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';

  const started = performance.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      redirect: 'manual',
      signal,
      cache: 'no-store',
    });
    text = await readCapped(res);
  } catch (e) {
    if (e instanceof Error && e.message === 'reply too large') {
      throw new ProbeError({ kind: 'malformed', message: `malformed reply: larger than ${MAX_BODY_BYTES / 1024 / 1024} MB` });
    }
    throw new ProbeError(classifyError(e, { url, timeoutMs: opts.timeoutMs, secrets }));
  }
  const latencyMs = Math.round(performance.now() - started);
  if (res.status < 200 || res.status >= 300) {
    throw new ProbeError(classifyHttp(res.status, res.headers, text, { model: opts.model, secrets }));
  }
  try {
    return { json: JSON.parse(text) as unknown, latencyMs };
  } catch {
    const sample = text.slice(0, 60).replace(/\s+/g, ' ');
    throw new ProbeError({ kind: 'malformed', message: scrub(`malformed reply: HTTP ${res.status} but not JSON (starts with ${JSON.stringify(sample)})`, secrets) });
  }
}

/** A reply that parsed but does not have the shape the protocol promises. */
export const malformed = (what: string) => new ProbeError({ kind: 'malformed', message: `malformed reply: ${what}` });
