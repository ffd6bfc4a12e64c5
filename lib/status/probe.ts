/**
 * The app's own view of its health: its HTTP health URL, as a load balancer would ask it, and the
 * version it reports. Short timeouts: a hung app must show as "no answer", not hang the page.
 */
import { redactSecrets } from '@/lib/secrets';
import type { AppProbe } from './types';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there (is the app running?)',
  ECONNRESET: 'the connection was reset by the app',
  EHOSTUNREACH: 'the host is unreachable',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (DNS failure)',
  UND_ERR_SOCKET: 'the app closed the connection',
};

function reasonOf(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = err?.cause?.code ?? err?.code;
  if (code && REASONS[code]) return REASONS[code];
  return `the request failed (${code ?? err?.cause?.message ?? 'unknown error'})`;
}

/** GET `url`; ok on 2xx. Never throws. `secrets` are masked out of the body shown on a failure. */
export async function probeHttp(url: string, opts: { timeoutMs?: number; secrets?: string[] } = {}): Promise<AppProbe> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const started = performance.now();
  const at = new Date().toISOString();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', cache: 'no-store' });
    const body = (await res.text()).slice(0, 300);
    const ms = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    const shown = redactSecrets(body.replace(/\s+/g, ' ').trim(), opts.secrets ?? []).slice(0, 160);
    return { url, ok, httpStatus: res.status, ms, at, message: ok ? `HTTP ${res.status} in ${ms} ms` : `HTTP ${res.status}${shown ? `: ${shown}` : ''}` };
  } catch (e) {
    return { url, ok: false, httpStatus: null, ms: Math.round(performance.now() - started), at, message: reasonOf(e, timeoutMs) };
  }
}

/**
 * The version the app reports at `/api/version` next to its health URL ({"version": "…"}), when
 * it has that endpoint; null otherwise (404, no JSON, no answer).
 */
export async function reportedVersion(healthUrl: string, timeoutMs = 2000): Promise<string | null> {
  try {
    const res = await fetch(new URL('/api/version', healthUrl), { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', cache: 'no-store' });
    if (!res.ok) return null;
    const body = (await res.json()) as { version?: unknown };
    return typeof body.version === 'string' ? body.version.slice(0, 60) : null;
  } catch {
    return null;
  }
}
