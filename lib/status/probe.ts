/**
 * The app's own view of its health: its HTTP health URL, as a load balancer would ask it, and the
 * version it reports. Short timeouts: a hung app must show as "no answer", not hang the page.
 */
import { ServiceNotRunningError } from '@/lib/docker/service-containers';
import { isOpsdeckError } from '@/lib/errors';
import { stackFetch } from '@/lib/reach/http';
import { redactSecrets } from '@/lib/secrets';
import type { Stack } from '@/lib/stacks/types';
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
  // Asked through the engine: a stopped app has no container to ask from, which says more than a code.
  if (e instanceof ServiceNotRunningError) return `connection refused: the ${e.service} container is not running`;
  if (isOpsdeckError(e)) return e.message;
  const code = err?.cause?.code ?? err?.code;
  if (code && REASONS[code]) return REASONS[code];
  return `the request failed (${code ?? err?.cause?.message ?? 'unknown error'})`;
}

/** GET `url`; ok on 2xx. Never throws. `secrets` are masked out of the body shown on a failure. */
export async function probeHttp(url: string, opts: { timeoutMs?: number; secrets?: string[]; stack?: Stack } = {}): Promise<AppProbe> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const started = performance.now();
  const at = new Date().toISOString();
  try {
    const res = opts.stack
      ? await stackFetch(opts.stack, url, { timeoutMs })
      : await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', cache: 'no-store' });
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
 * Where apps report their version, tried in order: a plain `/api/version` ({"version": "…"}, our
 * demo app and many others), then Memos' workspace profile (`/api/v1/workspace/profile`, renamed
 * `instance/profile` in newer releases), which carries `version` too.
 */
const VERSION_PATHS = ['/api/version', '/api/v1/workspace/profile', '/api/v1/instance/profile'];
/** Per app origin, the path that answered last time, so a status refresh asks once, not three times. */
const knownPath = new Map<string, string>();

async function versionAt(url: URL, timeoutMs: number, stack?: Stack): Promise<string | null> {
  const res = stack
    ? await stackFetch(stack, url.href, { timeoutMs })
    : await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', cache: 'no-store' });
  if (!res.ok) return null;
  const body = (await res.json()) as { version?: unknown };
  return typeof body.version === 'string' && body.version ? body.version.slice(0, 60) : null;
}

/**
 * The version the app reports next to its health URL, when it has one of the endpoints above;
 * null otherwise (404, no JSON, no answer). Never throws.
 */
export async function reportedVersion(healthUrl: string, timeoutMs = 2000, stack?: Stack): Promise<string | null> {
  let origin: string;
  try {
    origin = new URL(healthUrl).origin;
  } catch {
    return null;
  }
  const remembered = knownPath.get(origin);
  const paths = remembered ? [remembered, ...VERSION_PATHS.filter((p) => p !== remembered)] : VERSION_PATHS;
  for (const path of paths) {
    try {
      const version = await versionAt(new URL(path, origin), timeoutMs, stack);
      if (version) {
        knownPath.set(origin, path);
        return version;
      }
    } catch (e) {
      // No answer at all: the app is down, asking the other paths would only wait again.
      if ((e as Error)?.name === 'TimeoutError' || (e as { cause?: { code?: string } })?.cause?.code === 'ECONNREFUSED' || e instanceof ServiceNotRunningError) return null;
    }
  }
  return null;
}
