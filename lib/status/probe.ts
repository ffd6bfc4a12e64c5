/**
 * The app's own view of its health: its HTTP health URL, as a load balancer would ask it, and the
 * version it reports. Short timeouts: a hung app must show as "no answer", not hang the page.
 */
import { ServiceNotRunningError } from '@/lib/docker/service-containers';
import { isOpsdeckError, saidOf } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { stackFetch } from '@/lib/reach/http';
import { redactSecrets } from '@/lib/secrets';
import type { Stack } from '@/lib/stacks/types';
import type { AppProbe } from './types';

// One literal key per code, so the messages parity test sees each.
const REASONS: Record<string, () => Said> = {
  ECONNREFUSED: () => say('probe.reason.ECONNREFUSED'),
  ECONNRESET: () => say('probe.reason.ECONNRESET'),
  EHOSTUNREACH: () => say('probe.reason.EHOSTUNREACH'),
  ENOTFOUND: () => say('probe.reason.ENOTFOUND'),
  EAI_AGAIN: () => say('probe.reason.EAI_AGAIN'),
  UND_ERR_SOCKET: () => say('probe.reason.UND_ERR_SOCKET'),
};

/** Why nothing usable answered, keyed. */
function reasonOf(e: unknown, timeoutMs: number): Said | { text: string } {
  const err = e as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return say('probe.noAnswer', { seconds: String(timeoutMs / 1000) });
  // Asked through the engine: a stopped app has no container to ask from, which says more than a code.
  if (e instanceof ServiceNotRunningError) return say('probe.notRunning', { service: e.service });
  if (isOpsdeckError(e)) return saidOf(e);
  const code = err?.cause?.code ?? err?.code;
  if (code && Object.hasOwn(REASONS, code)) return REASONS[code]();
  return say('probe.failed', { code: code ?? err?.cause?.message ?? say('probe.unknownError') });
}

/** The probe's words: English in `message`, keyed in `said` (the status page renders it in the reader's language). */
const worded = (said: Said | { text: string }) => ('key' in said ? { message: said.text, said } : { message: said.text });

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
    const words = ok ? say('probe.ok', { status: String(res.status), ms: String(ms) }) : say('probe.httpFailed', { status: String(res.status), body: shown ? say('probe.body', { body: shown }) : '' });
    return { url, ok, httpStatus: res.status, ms, at, ...worded(words) };
  } catch (e) {
    return { url, ok: false, httpStatus: null, ms: Math.round(performance.now() - started), at, ...worded(reasonOf(e, timeoutMs)) };
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
