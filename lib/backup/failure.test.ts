import { describe, expect, it } from 'vitest';
import type { Stack } from '@/lib/stacks/types';
import { explainFailure } from './failure';
import { PgCommandError, type PgStep, type PgTools } from '@/lib/postgres/tools';

const stack = { name: 'demo', database: { passwordVar: 'POSTGRES_PASSWORD' } } as unknown as Stack;
const tools = { conn: { database: 'memos', user: 'memos' }, where: 'the postgres container', passwordVar: 'POSTGRES_PASSWORD' } as unknown as PgTools;
const failed = (step: PgStep | null, stderr: string, tool = 'psql') => {
  const e = new PgCommandError(tool, 3, stderr);
  e.step = step;
  return explainFailure(e, { stack, tools }).message;
};

describe('explainFailure: worded after the step that failed', () => {
  it('a rename that fails is a failed swap, not the backup\'s SQL (issue: restore + undo in one second)', () => {
    expect(failed('rename', 'psql:<stdin>:5: ERROR:  database "memos__kept_20261204_143404" already exists'))
      .toBe('Swapping the databases (renaming) failed (PostgreSQL said: database "memos__kept_20261204_143404" already exists). Nothing was renamed: the live database is as it was.');
    expect(failed('rename', 'ERROR:  database "memos__restore_9" does not exist')).toMatch(/^Swapping the databases \(renaming\) failed/);
  });

  it('the backup\'s own SQL failing is said so only while loading', () => {
    expect(failed('load', 'psql:<stdin>:5: ERROR:  division by zero')).toBe("PostgreSQL rejected the backup's SQL (division by zero). Nothing was changed in the live database.");
    expect(failed('create-scratch', 'ERROR:  source database "template0" is being accessed by other users'))
      .toBe('Creating the new database for the restore failed (PostgreSQL said: source database "template0" is being accessed by other users). The live database was not touched.');
    expect(failed('hand-over', 'ERROR:  some error')).toMatch(/^Handing the restored database to the stack's user failed/);
  });

  it('what the sandbox refused while loading', () => {
    expect(failed('load', 'psql:<stdin>:30: error: backslash commands are restricted; only \\unrestrict is allowed')).toMatch(/^The backup contains psql commands/);
    expect(failed('load', 'pg_restore: error: could not execute query: ERROR:  permission denied to create role\nDETAIL:  Only roles with the CREATEROLE attribute may create roles.', 'pg_restore'))
      .toBe('The backup tried something a restore may not do: it may only create things inside its new database (PostgreSQL said: permission denied to create role). Nothing was changed in the live database.');
    expect(failed('load', 'ERROR:  permission denied to create extension "dblink"')).toMatch(/^The backup needs the extension dblink, which only a superuser may create/);
    expect(failed('load', 'psql:<stdin>:1: invalid command \\restrict')).toMatch(/no restricted mode/);
  });

  it('a stack user that may not create the restore role is told what to change', () => {
    expect(failed('sandbox', 'ERROR:  permission denied to create role')).toMatch(/^User "memos" may not create roles.*ALTER ROLE memos CREATEROLE/);
  });

  it('connection problems stay connection problems, whatever the step', () => {
    expect(failed('rename', 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "memos" does not exist'))
      .toMatch(/^The database "memos" does not exist on the server/);
    expect(failed(null, 'FATAL:  password authentication failed for user "memos"')).toMatch(/^PostgreSQL refused the password/);
    expect(failed('load', 'FATAL:  password authentication failed for user "opsdeck_restore_7_0a1b2c3d"')).toMatch(/^PostgreSQL did not let the restore role/);
  });
});
