import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';
import { STATIC_SECURITY_HEADERS } from './lib/security/headers';

const nextConfig: NextConfig = {
  // Native and Docker modules must stay server-side, loaded from node_modules at run time.
  serverExternalPackages: ['better-sqlite3', 'dockerode', 'ssh2', 'cpu-features', 'pg'],
  // Standalone output is for the container image (Dockerfile sets it); `next start` refuses it.
  output: process.env.OPSDECK_STANDALONE === '1' ? 'standalone' : undefined,
  // Separate build dirs let parallel test runs (e.g. two e2e servers) build without clobbering each other.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // The test command runs `tsc --noEmit` over the whole project before building; not twice.
  typescript: { ignoreBuildErrors: true },
  // Every response, API and static files included; pages also get their CSP from proxy.ts.
  async headers() {
    return [
      { source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] },
      // Non-page responses never need to run anything or be framed.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

// next-intl reads i18n/request.ts for each request's locale and messages.
export default createNextIntlPlugin('./i18n/request.ts')(nextConfig);
