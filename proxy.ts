import { NextResponse, type NextRequest } from 'next/server';
import { STATIC_SECURITY_HEADERS, contentSecurityPolicy, newNonce } from '@/lib/security/headers';

/**
 * Headers only: a per-request CSP nonce for pages (lib/security/headers.ts). Authorization is never
 * decided here; every page, action and route handler checks the session itself.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development' });
  // Next reads the nonce from the policy on the request and stamps it on its inline scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  for (const { key, value } of STATIC_SECURITY_HEADERS) response.headers.set(key, value);
  return response;
}

export const config = {
  // Pages only: API responses are JSON, streams and files (next.config.mjs gives them the static
  // headers), and static assets are the same for everyone.
  matcher: [{ source: '/((?!api/|_next/static|_next/image|favicon.ico).*)' }],
};
