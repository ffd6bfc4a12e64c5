/**
 * Where a request came from, for the sign-in throttle and the audit log.
 *
 * A Next 16 route handler (and next-auth's authorize) sees headers only, never the socket: Next sets
 * X-Forwarded-For to the peer address only when the client sent none, so a client talking to
 * Opsdeck directly can write any address it likes there. Rotating it would give every guess a fresh
 * throttle counter. So the header is believed only when the operator says a reverse proxy sits in
 * front (`OPSDECK_TRUST_PROXY=N`, the number of proxies), and then only the entry the outermost
 * trusted proxy appended (N-th from the right: `$proxy_add_x_forwarded_for` adds the address it saw
 * at the end). Otherwise every request is "direct": one shared address bucket, which the per-user
 * counters of the throttle do not depend on.
 */
export const DIRECT = 'direct';

type EnvLike = Readonly<Record<string, string | undefined>>;

type HeaderSource = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function forwardedFor(headers: HeaderSource): string | undefined {
  const raw =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('x-forwarded-for')
      : (headers as Record<string, string | string[] | undefined>)['x-forwarded-for'];
  // Several header lines count as one comma list, in order.
  return Array.isArray(raw) ? raw.join(',') : (raw ?? undefined);
}

/** How many proxies in front are trusted: OPSDECK_TRUST_PROXY as a positive whole number, else 0. */
export function trustedProxyHops(env: EnvLike = process.env): number {
  const v = env.OPSDECK_TRUST_PROXY?.trim();
  return v && /^[1-9]\d{0,1}$/.test(v) ? Number(v) : 0;
}

export function clientIpFrom(headers: HeaderSource, env: EnvLike = process.env): string {
  const hops = trustedProxyHops(env);
  if (hops === 0) return DIRECT;
  const list = (forwardedFor(headers) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return DIRECT;
  // Fewer entries than proxies: the leftmost is still one a trusted proxy wrote.
  const entry = list[Math.max(0, list.length - hops)];
  return entry.replace(/^::ffff:/, '').slice(0, 64);
}
