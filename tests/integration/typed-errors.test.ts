/**
 * Failures of the tools Opsdeck runs are typed errors: a safe message for the page, the tool's own
 * (masked) text kept as the technical detail. Real psql against a port nobody listens on, real
 * compose detection with nothing on PATH.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgCommandError, pgQuery, pgTools } from '@/lib/postgres/tools';
import { detectCompose, resetComposeDetection } from '@/lib/docker/compose-cli';
import { OpsdeckError } from '@/lib/errors';
import { loadStacks } from '@/lib/stacks';
import { tempTree } from '@/lib/stacks/test-support';

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
  resetComposeDetection();
});

describe('typed tool errors', () => {
  it('a failing psql is a PgCommandError: an OpsdeckError with the masked stderr as detail', async () => {
    const tree = tempTree();
    try {
      tree.write('compose.yml', 'services:\n  app:\n    image: opsdeck/base:trixie\n');
      tree.write('.env', 'DB_DSN=postgres://memos:Very-Secret-pw-77@127.0.0.1:1/memos\n');
      tree.write('opsdeck.yaml', 'stacks:\n  - name: ext\n    preset: generic\n    compose: compose.yml\n    envFile: .env\n    database: { host: 127.0.0.1, port: 1, dsnVar: DB_DSN }\n');
      const [stack] = loadStacks({ configPath: tree.path('opsdeck.yaml'), env: {} });
      const e = await pgQuery(pgTools(stack), 'memos', 'SELECT 1').catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PgCommandError);
      expect(e).toBeInstanceOf(OpsdeckError);
      const err = e as PgCommandError;
      expect(err.message).toMatch(/^psql failed \(exit code 2\): .*(Connection refused|connection to server)/);
      expect(err.detail).toMatch(/^psql exited with code 2\n/);
      expect(`${err.message}${err.detail}`).not.toContain('Very-Secret-pw-77');
    } finally {
      tree.cleanup();
    }
  });

  it('no compose on the machine is a typed docker_unavailable error with a safe message', async () => {
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-empty-path-'));
    resetComposeDetection();
    const e = await detectCompose().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OpsdeckError);
    expect(e).toMatchObject({ code: 'docker_unavailable', message: 'Neither `docker compose` (v2) nor `docker-compose` (v1) works on this machine; run scripts/setup-env.sh.' });
  });
});
