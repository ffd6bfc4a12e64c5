import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Runs the child side of the "kill Opsdeck mid-job" tests: a real job in a process of its own,
// which the test then SIGKILLs. Not part of the normal test run (different include).
const root = path.resolve(__dirname, '..', '..', '..');
export default defineConfig({
  root,
  resolve: { alias: { '@': root, 'server-only': path.join(root, 'tests/support/server-only.ts') } },
  test: { include: ['tests/support/job-child/*.child.ts'], environment: 'node', testTimeout: 600_000, pool: 'forks' },
});
