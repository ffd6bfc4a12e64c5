import crypto from 'node:crypto';
import { envOrFile } from '@/lib/env-secret';

/** The scrape token (OPSDECK_METRICS_TOKEN or its _FILE); none means the endpoint is off. */
export function metricsToken(): string | undefined {
  return envOrFile('OPSDECK_METRICS_TOKEN');
}

/** Constant-time comparison of the Authorization header's bearer token with the configured one. */
export function bearerMatches(header: string | null, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return given.length > 0 && crypto.timingSafeEqual(a, b);
}
