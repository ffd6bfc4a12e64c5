import type { NextConfig } from 'next';

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
};

export default nextConfig;
