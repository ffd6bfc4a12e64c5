import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '@/lib/stacks/env-file';
import type { Stack } from '@/lib/stacks/types';
import { checkEnv, lineOf } from './env-checks';
import type { ComposeVariable } from './compose-vars';

const stack = (over: Partial<Stack> = {}): Stack => ({
  name: 's', title: 'S', preset: 'memos', runtime: 'compose', projectName: 's', composeFiles: ['/x/compose.yml'], envFile: '/x/.env',
  workingDir: '/x', backupDir: '/x/b', ai: { source: 'none' }, source: 'test',
  database: { service: 'postgres', host: '127.0.0.1', port: 5432, userVar: 'POSTGRES_USER', passwordVar: 'POSTGRES_PASSWORD', databaseVar: 'POSTGRES_DB', dsnVar: 'MEMOS_DSN' },
  ...over,
});

function run(text: string, s = stack(), vars: ComposeVariable[] = []) {
  return checkEnv(s, text, parseEnvFile(text), vars);
}

describe('env-file checks', () => {
  it('a complete env file has no findings', () => {
    expect(run('POSTGRES_USER=memos\nPOSTGRES_PASSWORD=Xy7-long-random\nPOSTGRES_DB=memos\nMEMOS_DSN=postgres://memos:Xy7-long-random@postgres/memos\n')).toEqual([]);
  });

  it('finds every example value, on its line, whatever its case or surroundings', () => {
    const text = [
      'POSTGRES_USER=memos',
      'export POSTGRES_PASSWORD="YOUR_SECURE_PASSWORD_123"',
      'POSTGRES_DB=memos',
      'MEMOS_DSN=postgres://memos:your_secure_password@postgres:5432/memos',
      'MEMOS_INSTANCE_URL=http://your-server-ip:5230',
      'MEMOS_AI_OPENAI_API_KEY=sk-your-openai-key',
      'NOT_A_KEY=task-your-turn',
    ].join('\n');
    const f = run(text);
    expect(f.map((x) => [x.kind, x.where])).toEqual([
      ['placeholder', '/x/.env:2 (POSTGRES_PASSWORD)'],
      ['placeholder', '/x/.env:4 (MEMOS_DSN)'],
      ['placeholder', '/x/.env:5 (MEMOS_INSTANCE_URL)'],
      ['placeholder', '/x/.env:6 (MEMOS_AI_OPENAI_API_KEY)'],
      // The two example passwords differ, so the app could not log in even with them.
      ['dsn-mismatch', '/x/.env:4 (MEMOS_DSN) and /x/.env:2 (POSTGRES_PASSWORD)'],
    ]);
    expect(f[0].fix).toContain('ALTER USER');
    // The finding names the example, never the value that was found.
    expect(JSON.stringify(f)).not.toContain('YOUR_SECURE_PASSWORD_123');
  });

  it('requires the preset variables, accepting their _FILE form, and drops the database ones when the DSN is set', () => {
    expect(run('POSTGRES_USER=memos\nPOSTGRES_PASSWORD=\n').map((x) => x.title)).toEqual([
      'POSTGRES_PASSWORD is not set', 'POSTGRES_DB is not set', 'MEMOS_DSN is not set',
    ]);
    expect(run('POSTGRES_USER=memos\nPOSTGRES_PASSWORD_FILE=/run/secrets/pw\nPOSTGRES_DB=memos\nMEMOS_DSN_FILE=/run/secrets/dsn\n')).toEqual([]);
    const generic = stack({ preset: 'generic', database: { ...stack().database!, dsnVar: 'DATABASE_URL' } });
    expect(run('DATABASE_URL=postgres://a:b@h/d\n', generic)).toEqual([]);
  });

  it('flags X and X_FILE both set, with both lines', () => {
    const f = run('POSTGRES_USER=memos\nPOSTGRES_PASSWORD=abcdefgh12\nPOSTGRES_DB=memos\nMEMOS_DSN=postgres://memos:abcdefgh12@postgres/memos\nPOSTGRES_PASSWORD_FILE=/run/secrets/pw\n');
    expect(f).toEqual([expect.objectContaining({ kind: 'file-and-plain', title: 'Both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set', where: '/x/.env:2 (POSTGRES_PASSWORD) and line 5 (POSTGRES_PASSWORD_FILE)' })]);
  });

  it('reports compose variables: required ones as errors, plain unset ones as warnings, defaulted ones never', () => {
    const vars: ComposeVariable[] = [
      { name: 'TOKEN', file: '/x/compose.yml', required: 'non-empty', hasDefault: false, message: 'set TOKEN' },
      { name: 'EMPTY_OK', file: '/x/compose.yml', required: 'set', hasDefault: false },
      { name: 'PLAIN', file: '/x/compose.yml', required: null, hasDefault: false },
      { name: 'TAG', file: '/x/compose.yml', required: null, hasDefault: true },
    ];
    const f = run('POSTGRES_USER=u\nPOSTGRES_PASSWORD=p\nPOSTGRES_DB=d\nMEMOS_DSN=postgres://u:p@postgres/d\nEMPTY_OK=\n', stack(), vars);
    expect(f.map((x) => [x.kind, x.severity, x.title])).toEqual([
      ['missing-variable', 'error', 'TOKEN is not set, and the compose file requires it'],
      ['unset-compose-variable', 'warning', 'PLAIN is used by the compose file but not set'],
    ]);
  });

  it('checks what values mean: ports, switches, URLs, and a DSN that disagrees with the database variables', () => {
    const text = [
      'POSTGRES_USER=memos', 'POSTGRES_PASSWORD=right-password-1', 'POSTGRES_DB=memos', 'POSTGRES_PORT=55432',
      'MEMOS_DSN=postgres://memos:wrong-password-2@127.0.0.1:5432/other', 'MEMOS_PORT=52x30', 'MEMOS_AI_ENABLED=maybe',
      'MEMOS_AI_DEEPSEEK_BASE_URL=not a url',
    ].join('\n');
    const f = run(text);
    expect(f.map((x) => [x.kind, x.severity, x.title])).toEqual([
      ['wrong-type', 'error', 'MEMOS_PORT is not a port number'],
      ['wrong-type', 'error', 'MEMOS_AI_ENABLED is not true or false'],
      ['wrong-type', 'error', 'MEMOS_AI_DEEPSEEK_BASE_URL is not an http(s) URL'],
      ['dsn-mismatch', 'error', 'The password in MEMOS_DSN does not match POSTGRES_PASSWORD'],
      ['dsn-mismatch', 'error', 'The database in MEMOS_DSN does not match POSTGRES_DB'],
      ['dsn-mismatch', 'warning', 'The port in MEMOS_DSN is not POSTGRES_PORT'],
    ]);
    expect(JSON.stringify(f)).not.toMatch(/right-password|wrong-password/);
  });

  it('lineOf finds the last assignment, exported or not', () => {
    expect(lineOf('A=1\n# A=2\n export A=3\nB=4', 'A')).toBe(3);
    expect(lineOf('A=1', 'B')).toBeNull();
  });
});
