import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, '.'), 'server-only': path.resolve(import.meta.dirname, 'tests/support/server-only.ts') } },
  test: {
    include: ['lib/**/*.test.ts', 'server-actions/**/*.test.ts', 'tests/**/*.test.ts'],
    // The swarm tests need the three-node cluster of scripts/swarm-bed.sh (its `env` sets this).
    exclude: ['**/node_modules/**', ...(process.env.OPSDECK_SWARM_BED === '1' ? [] : ['tests/integration/swarm.test.ts'])],
    environment: 'node',
    // Integration tests share one Docker engine; run files one at a time to keep them deterministic.
    fileParallelism: false,
    // Integration tests wait on a real engine: a loaded CI machine can take three times as long as a quiet one.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
