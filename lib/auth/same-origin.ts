/**
 * Cross-site request refusal for route handlers reached with a session cookie. A browser sends the
 * cookie with a cross-site form post (SameSite=Lax still allows top-level POST navigations in some
 * browsers and always allows them from a same-site sibling), so a handler that changes something
 * must know the request came from Opsdeck's own pages.
 *
 * Rule for every method but GET/HEAD/OPTIONS:
 * - an `Origin` header must name this host (the `Host` the request was sent to, the
 *   `X-Forwarded-Host` of a proxy, or NEXTAUTH_URL's host) — the same comparison Next makes for
 *   server actions;
 * - without `Origin` (scripts, old clients), the request must carry `X-Opsdeck-Request` — a
 *   custom header no cross-site page can add without a CORS preflight, which Opsdeck never grants —
 *   and must not be marked cross-site by `Sec-Fetch-Site`.
 */
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export const CSRF_HEADER = 'x-opsdeck-request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type EnvLike = Readonly<Record<string, string | undefined>>;

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** The hosts a same-origin request may name in `Origin`. */
export function ownHosts(headers: Headers, env: EnvLike = process.env): Set<string> {
  const hosts = new Set<string>();
  const host = headers.get('host')?.trim().toLowerCase();
  if (host) hosts.add(host);
  // A proxy may list several; the first is the one the browser used.
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim().toLowerCase();
  if (forwarded) hosts.add(forwarded);
  const configured = hostOf(env.NEXTAUTH_URL);
  if (configured) hosts.add(configured);
  return hosts;
}

/** Null when the request may go on; otherwise why it is refused (keyed text for the 403 body). */
export function crossSiteRefusal(method: string, headers: Headers, env: EnvLike = process.env): Said | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const origin = headers.get('origin');
  if (origin !== null) {
    const host = origin === 'null' ? null : hostOf(origin);
    if (host && ownHosts(headers, env).has(host)) return null;
    return say('errors.route.crossSiteOrigin');
  }
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return say('errors.route.crossSite');
  if (headers.get(CSRF_HEADER)) return null;
  return say('errors.route.needsOrigin');
}
