import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The Swarm e2e pass: e2e/swarm.spec.ts against an Opsdeck server of its own whose one stack runs on
 * the three-node cluster of scripts/swarm-bed.sh. Run by scripts/test-all.sh's swarm pass while the
 * cluster is up (`eval "$(bash scripts/swarm-bed.sh env)"` first); the main config ignores the spec.
 */
const port = Number(process.env.E2E_PORT ?? 3230);

export default defineConfig({
  ...base,
  testMatch: 'swarm.spec.ts',
  testIgnore: [],
  // Tasks start and move between nodes in seconds, more on a loaded machine.
  timeout: 240_000,
  expect: { timeout: 60_000 },
  globalSetup: './e2e/swarm-setup.ts',
  globalTeardown: './e2e/swarm-teardown.ts',
  use: { ...base.use, baseURL: `http://127.0.0.1:${port}` },
});
