/**
 * Where a request came from, for the audit log. Next sets x-forwarded-for to the socket address
 * when the client sent none; behind a reverse proxy the proxy's value is used. A client can forge
 * this header when Opsdeck is exposed directly, so the audit calls it "from" rather than proof.
 */
export function clientIpFrom(headers: Record<string, string | string[] | undefined> | { get(name: string): string | null }): string {
  const raw =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('x-forwarded-for')
      : (headers as Record<string, string | string[] | undefined>)['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const first = value?.split(',')[0]?.trim();
  return first ? first.replace(/^::ffff:/, '').slice(0, 64) : 'unknown';
}
