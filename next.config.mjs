// Plain ESM, not TypeScript: `next start` would otherwise load the SWC compiler (about 26 MB of
// resident memory, kept for the server's life) only to transpile this file (issue 18).
import { PHASE_PRODUCTION_SERVER } from 'next/constants.js';
import { STATIC_SECURITY_HEADERS } from './lib/security/static-headers.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Docker modules must stay server-side, loaded from node_modules at run time.
  serverExternalPackages: ['better-sqlite3', 'dockerode', 'ssh2', 'cpu-features', 'pg'],
  // Standalone output is for the container image (Dockerfile sets it); `next start` refuses it.
  output: process.env.OPSDECK_STANDALONE === '1' ? 'standalone' : undefined,
  // Separate build dirs let parallel test runs (e.g. two e2e servers) build without clobbering each other.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // The test command runs `tsc --noEmit` over the whole project before building; not twice.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // Routes are loaded when first requested, not all at start: each route carries its own copy of
    // the shared server chunks, and most (API routes for jobs, backups, imports) are rarely used.
    preloadEntriesOnStart: false,
  },
  // Every response, API and static files included; pages also get their CSP from proxy.ts.
  async headers() {
    return [
      { source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] },
      // Non-page responses never need to run anything or be framed.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

/**
 * next-intl's plugin points the build at i18n/request.ts (a bundler alias). Serving a finished
 * build needs no alias, and loading the plugin would load its file watcher too (issue 18).
 */
export default async function config(phase) {
  if (phase === PHASE_PRODUCTION_SERVER) return nextConfig;
  const { default: createNextIntlPlugin } = await import('next-intl/plugin');
  return createNextIntlPlugin('./i18n/request.ts')(nextConfig);
}
