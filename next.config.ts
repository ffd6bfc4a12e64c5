import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native and Docker modules must stay server-side, loaded from node_modules at run time.
  serverExternalPackages: ['better-sqlite3', 'dockerode', 'ssh2', 'cpu-features', 'pg'],
  output: 'standalone',
  poweredByHeader: false,
};

export default nextConfig;
