/**
 * The tools Opsdeck runs get a minimal environment, not Opsdeck's: its secrets do not reach
 * compose or pg_dump, and its variables cannot override the stack's env file in compose's
 * `${VAR}` interpolation. Real compose, real host tools.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pgTools } from '@/lib/postgres/tools';
import { runCompose } from '@/lib/docker/compose-cli';
import { loadStacks } from '@/lib/stacks';
import { tempTree, type TempTree } from '@/lib/stacks/test-support';

const SENTINEL = 'OPSDECK_TEST_CHILD_ENV_SENTINEL';
let tree: TempTree;

beforeEach(() => {
  tree = tempTree('opsdeck-child-env-');
  process.env[SENTINEL] = 'leaked-from-opsdeck';
});

afterEach(() => {
  delete process.env[SENTINEL];
  tree.cleanup();
});

describe('child process environment', () => {
  it('compose does not see Opsdeck\'s variables when it interpolates', async () => {
    const file = tree.write('compose.yml', `services:\n  app:\n    image: opsdeck/base:trixie\n    environment:\n      SEEN: "\${${SENTINEL}:-absent}"\n`);
    const r = await runCompose({ projectName: 'opsdeck-test-child-env', composeFiles: [file], cwd: tree.dir }, ['config']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SEEN: "?absent"?/);
    expect(r.stdout).not.toContain('leaked-from-opsdeck');
  });

  it('compose still interpolates from the stack\'s env file', async () => {
    const file = tree.write('compose.yml', `services:\n  app:\n    image: opsdeck/base:trixie\n    environment:\n      SEEN: "\${${SENTINEL}:-absent}"\n`);
    const envFile = tree.write('.env', `${SENTINEL}=from-env-file\n`);
    const r = await runCompose({ projectName: 'opsdeck-test-child-env', composeFiles: [file], envFile, cwd: tree.dir }, ['config']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SEEN: "?from-env-file"?/);
  });

  it('host PostgreSQL tools get PG* credentials and the allow-list only', async () => {
    tree.write('compose.yml', 'services:\n  app:\n    image: opsdeck/base:trixie\n');
    tree.write('.env', 'DB_DSN=postgres://memos:pw-in-dsn@db.example:5439/memos\n');
    tree.write('opsdeck.yaml', 'stacks:\n  - name: ext\n    preset: generic\n    compose: compose.yml\n    envFile: .env\n    database: { host: 127.0.0.1, port: 5439, dsnVar: DB_DSN }\n');
    const [stack] = loadStacks({ configPath: tree.path('opsdeck.yaml'), env: {} });
    const tools = pgTools(stack);
    expect(tools.mode).toBe('host');
    // `env` stands in for pg_dump: it prints exactly the environment the tool would get.
    const r = await tools.run(['env']);
    expect(r.exitCode).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.split('=')[0]).sort();
    expect(names).toContain('PGPASSWORD');
    expect(names).toContain('PATH');
    expect(r.stdout).not.toContain(SENTINEL);
    expect(names.every((n) => /^(PG[A-Z_]+|PATH|HOME|LANG|LC_ALL|TMPDIR|DOCKER_[A-Z_]+|SSH_AUTH_SOCK|XDG_RUNTIME_DIR)$/.test(n))).toBe(true);
  });
});
