// Plain JavaScript so next.config.mjs can import it without a TypeScript compiler at start;
// typed by static-headers.d.mts, re-exported by headers.ts.

/** For every response, pages and API alike (next.config.mjs and proxy.ts). */
export const STATIC_SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Paths carry stack names and job ids: other sites learn only that a link came from Opsdeck.
  { key: 'Referrer-Policy', value: 'same-origin' },
  // Older browsers ignore frame-ancestors; this says the same to them.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
];
