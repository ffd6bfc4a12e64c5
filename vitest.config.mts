import { defineConfig } from 'vitest/config';
import path from 'node:path';

// One engine per worker (tests/support/bed-per-worker.ts): as many workers as beds, files in parallel.
const beds = (process.env.OPSDECK_TEST_BEDS ?? '').split(',').filter(Boolean).length;

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, '.'), 'server-only': path.resolve(import.meta.dirname, 'tests/support/server-only.ts') } },
  test: {
    include: ['lib/**/*.test.ts', 'server-actions/**/*.test.ts', 'tests/**/*.test.ts'],
    // The swarm tests (tests/integration/swarm*.test.ts) need the three-node cluster of
    // scripts/swarm-bed.sh (its `env` sets this); the test command's Swarm pass runs them.
    exclude: ['**/node_modules/**', ...(process.env.OPSDECK_SWARM_BED === '1' ? [] : ['tests/integration/swarm*.test.ts'])],
    environment: 'node',
    setupFiles: ['tests/support/bed-per-worker.ts'],
    // Files on one engine run one at a time (they share its containers, networks and registry);
    // with several beds, one worker per bed, each file on its worker's engine.
    fileParallelism: beds > 1,
    ...(beds > 1 ? { maxWorkers: beds } : {}),
    // Integration tests wait on a real engine: a loaded CI machine can take three times as long as a quiet one.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
