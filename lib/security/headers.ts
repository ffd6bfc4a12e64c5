/**
 * The security headers of every response. Pages get a Content-Security-Policy with a fresh nonce
 * per request (set by proxy.ts): Next puts that nonce on its own inline bootstrap scripts when it
 * finds the policy on the request, so `script-src` needs neither 'unsafe-inline' nor 'unsafe-eval'.
 * 'strict-dynamic' lets the nonce'd bootstrap load the page's chunks. Styles keep 'unsafe-inline':
 * React writes `style` attributes (bars, charts), which a nonce cannot cover, and a style cannot
 * run code. Everything the pages fetch (server actions, EventSource streams) is same-origin.
 *
 * Edge-safe: no Node imports (the proxy may run on either runtime).
 */
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // Dev mode (next dev) evaluates modules with eval for fast refresh; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// Kept in plain JavaScript for next.config.mjs, which is loaded without a TypeScript compiler.
export { STATIC_SECURITY_HEADERS } from './static-headers.mjs';

/** A random nonce, base64 of 16 bytes from the platform's CSPRNG. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
