import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpsdeckError } from '@/lib/errors';
import { resolveDatabase } from './database';
import { DsnError, parsePostgresDsn } from './dsn';
import { loadStacks } from './load-config';
import { COMPOSE_YAML, tempTree, type TempTree } from './test-support';
import type { Stack } from './types';

let tree: TempTree;
beforeEach(() => {
  tree = tempTree();
  tree.write('compose.yml', COMPOSE_YAML);
});
afterEach(() => tree.cleanup());

/** A memos stack whose env file holds `envText`; `extra` adds YAML lines under the stack. */
function memosStack(envText: string, extra = ''): Stack {
  tree.write('deploy/.env.prod', envText);
  const config = tree.write('opsdeck.yaml', `stacks:\n  - name: memos\n    preset: memos\n    compose: compose.yml\n    envFile: deploy/.env.prod\n${extra}`);
  return loadStacks({ configPath: config, env: {} })[0];
}

function errorOf(fn: () => unknown): OpsdeckError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OpsdeckError);
    return e as OpsdeckError;
  }
  throw new Error('expected an error');
}

describe('resolveDatabase from POSTGRES_* variables', () => {
  it('reads user, password and database, with host and port from the role', () => {
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD="s3cret pw"\nPOSTGRES_DB=memos_prod\nPOSTGRES_PORT=25432\n');
    // `via`: the same server as seen inside its own container, used through the engine when host:port does not answer.
    expect(resolveDatabase(stack)).toEqual({ host: '127.0.0.1', port: 25432, user: 'memos', password: 's3cret pw', database: 'memos_prod', via: { service: 'postgres', host: '127.0.0.1', port: 5432 } });
  });

  it('re-reads the env file, so a changed password is picked up', () => {
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD=old-password\nPOSTGRES_DB=memos\n');
    tree.write('deploy/.env.prod', 'POSTGRES_USER=memos\nPOSTGRES_PASSWORD=new-password\nPOSTGRES_DB=memos\n');
    expect(resolveDatabase(stack).password).toBe('new-password');
  });

  it('names every missing variable and never prints the password', () => {
    const stack = memosStack('POSTGRES_PASSWORD=topsecretvalue\nPOSTGRES_DB=\n');
    const err = errorOf(() => resolveDatabase(stack));
    expect(err.code).toBe('config_invalid');
    expect(err.message).toBe(
      `POSTGRES_USER and POSTGRES_DB are not set in the env file ${tree.path('deploy/.env.prod')}; stack "memos" needs them to reach its database.`,
    );
    expect(err.message).not.toContain('topsecretvalue');
  });

  it('refuses a stack without a database role', () => {
    const config = tree.write('generic.yaml', 'stacks:\n  - { name: web, compose: compose.yml }\n');
    const [stack] = loadStacks({ configPath: config, env: {} });
    expect(errorOf(() => resolveDatabase(stack)).message).toBe('Stack "web" has no database configured.');
  });
});

describe('<VAR>_FILE secrets', () => {
  it('reads the secret from the file, relative to the env file, without its trailing newline', () => {
    tree.write('deploy/secrets/pg_password', 'from-file-pw\n');
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD_FILE=secrets/pg_password\nPOSTGRES_DB=memos\n');
    expect(resolveDatabase(stack).password).toBe('from-file-pw');
  });

  it('accepts absolute paths and _FILE for any variable', () => {
    const userFile = tree.write('elsewhere/user', 'file-user');
    const stack = memosStack(`POSTGRES_USER_FILE=${userFile}\nPOSTGRES_PASSWORD=pw12345678\nPOSTGRES_DB=memos\n`);
    expect(resolveDatabase(stack).user).toBe('file-user');
  });

  it('refuses both X and X_FILE, as Memos and the postgres image do', () => {
    tree.write('deploy/pw', 'a');
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD=inline-secret\nPOSTGRES_PASSWORD_FILE=pw\nPOSTGRES_DB=memos\n');
    const err = errorOf(() => resolveDatabase(stack));
    expect(err.message).toBe(`Both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set in the env file ${tree.path('deploy/.env.prod')}; set only one of them.`);
    expect(err.message).not.toContain('inline-secret');
  });

  it('explains a _FILE path that only exists inside the container', () => {
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD_FILE=/run/secrets/opsdeck_test_pg_pw\nPOSTGRES_DB=memos\n');
    expect(errorOf(() => resolveDatabase(stack)).message).toBe(
      `POSTGRES_PASSWORD_FILE in the env file ${tree.path('deploy/.env.prod')} points to /run/secrets/opsdeck_test_pg_pw, ` +
        'which does not exist on this host (a path inside the container cannot be read by Opsdeck).',
    );
  });

  it('treats an empty secret file as unset', () => {
    tree.write('deploy/empty', '\n');
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD_FILE=empty\nPOSTGRES_DB=memos\n');
    expect(errorOf(() => resolveDatabase(stack)).message).toMatch(/^POSTGRES_PASSWORD is not set in the env file .*; stack "memos" needs it/);
  });
});

describe('dsnVar', () => {
  const withDsn = '    database: { dsnVar: MEMOS_DSN }\n';

  it('uses an external DSN instead of the POSTGRES_* variables', () => {
    const stack = memosStack('MEMOS_DSN=postgresql://app:p%40ss%3Aword@db.example.com:6543/notes?sslmode=require\n', withDsn);
    expect(resolveDatabase(stack)).toEqual({ host: 'db.example.com', port: 6543, user: 'app', password: 'p@ss:word', database: 'notes' });
  });

  it('swaps the compose service host for the address published to the host', () => {
    const stack = memosStack(
      'POSTGRES_USER=memos\nPOSTGRES_PASSWORD=pw\nPOSTGRES_PORT=25432\nMEMOS_DSN=postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/memos?sslmode=disable\n',
      withDsn,
    );
    // `via` keeps the DSN's own port, as seen inside the database container (reached through the engine).
    expect(resolveDatabase(stack)).toEqual({ host: '127.0.0.1', port: 25432, user: 'memos', password: 'pw', database: 'memos', via: { service: 'postgres', host: '127.0.0.1', port: 5432 } });
  });

  it('reads the DSN from MEMOS_DSN_FILE and refuses both forms', () => {
    tree.write('deploy/dsn', 'postgres://u:p@10.0.0.5/db1\n');
    expect(resolveDatabase(memosStack('MEMOS_DSN_FILE=dsn\n', withDsn))).toEqual({ host: '10.0.0.5', port: 5432, user: 'u', password: 'p', database: 'db1' });
    const both = memosStack('MEMOS_DSN=postgres://u:p@h/d\nMEMOS_DSN_FILE=dsn\n', withDsn);
    expect(errorOf(() => resolveDatabase(both)).message).toMatch(/^Both MEMOS_DSN and MEMOS_DSN_FILE are set/);
  });

  it('falls back to the variables when the DSN is not set', () => {
    const stack = memosStack('POSTGRES_USER=memos\nPOSTGRES_PASSWORD=pw\nPOSTGRES_DB=memos\n', withDsn);
    expect(resolveDatabase(stack).user).toBe('memos');
    const none = memosStack('', withDsn);
    expect(errorOf(() => resolveDatabase(none)).message).toContain('(and MEMOS_DSN is not set either)');
  });

  it('reports an unparseable DSN without quoting it', () => {
    const stack = memosStack('MEMOS_DSN=mysql://root:hunter22@db/x\n', withDsn);
    const err = errorOf(() => resolveDatabase(stack));
    expect(err.message).toBe(
      `MEMOS_DSN in the env file ${tree.path('deploy/.env.prod')} is not a valid PostgreSQL connection string: the scheme must be postgres:// or postgresql://, not mysql://.`,
    );
    expect(err.message).not.toContain('hunter22');
  });
});

describe('parsePostgresDsn', () => {
  it.each([
    ['postgres://memos:pw@postgres:5432/memos?sslmode=disable', { host: 'postgres', port: 5432, user: 'memos', password: 'pw', database: 'memos' }],
    ['postgresql://u@[::1]:5433/d', { host: '::1', port: 5433, user: 'u', database: 'd' }],
    ['postgres://u:p@/d?host=/var/run/postgresql', { host: '/var/run/postgresql', user: 'u', password: 'p', database: 'd' }],
    ['postgres://h', { host: 'h' }],
    ["host=db port=5433 user=memos password='a b\\'c' dbname=memos sslmode=disable", { host: 'db', port: 5433, user: 'memos', password: "a b'c", database: 'memos' }],
  ])('%s', (dsn, expected) => expect(parsePostgresDsn(dsn)).toEqual(expected));

  it.each([
    ['', 'it is empty'],
    ['postgres://u:p@h:99999/d', 'it is not a valid postgres:// URL'],
    ['postgres://u:p@h/d?port=0', 'the port is not a number between 1 and 65535'],
    ['just some words', 'it is neither a postgres:// URL nor "key=value" pairs'],
    ['postgres://u:%zz@h/d', 'the password has an invalid %-escape'],
  ])('rejects %j: %s', (dsn, reason) => {
    expect(() => parsePostgresDsn(dsn)).toThrowError(new DsnError(reason));
  });
});
