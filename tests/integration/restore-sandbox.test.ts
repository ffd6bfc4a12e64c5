/**
 * The restore sandbox against real PostgreSQL in Docker: hostile dumps, plain and custom format,
 * each loaded through the restore job and — for plain SQL — through the sandbox alone with the
 * import check turned off, so that psql's restricted mode and the restore role are what stops them.
 * After each: the live database, the roles, the server's configuration and the container's files
 * are as before, and the restore role is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, startImportDirectoryJob, startRestoreJob } from '../../lib/backup';
import { eventsAfter } from '../../lib/jobs';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';
import { archiveOf, catalogue, plainDumpWith, sandboxOnly, world, type World } from '../support/sandbox-probe';

let env: BackupEnv;
let before: World;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const SANDBOX = /The backup tried something a restore may not do: it may only create things inside its new database \(PostgreSQL said: /;
const META = /^The backup contains psql commands \(such as \\! or \\connect\), which a restore does not run: psql, in restricted mode, refused them\./;
const LINT = /^Opsdeck refuses to load this SQL file: /;

/** [name, statements put in a real dump, what the sandbox alone answers (message), also through the restore job] */
const PLAIN: [string, string, RegExp, boolean?][] = [
  ['the COPY-comment bypass, then a shell and \\connect', "COPY (SELECT 1) TO stdout; -- FROM stdin;\n\\! touch /tmp/pwned-shell\n\\connect memos\nCREATE TABLE public.pwned_connect (x int);", META, true],
  ['\\! (a shell where psql runs)', "SELECT 1;\n\\! touch /tmp/pwned-shell", META],
  ['\\connect to the live database', "\\connect memos\nINSERT INTO public.memo (content) VALUES ('pwned');\nCREATE TABLE public.pwned_connect (x int);", META, true],
  ['\\copy to a path', "\\copy (SELECT 1) TO '/tmp/pwned-copy'", META],
  ['COPY … TO PROGRAM', "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned-program';", /PostgreSQL said: permission denied to COPY to or from an external program/, true],
  ['COPY … FROM a server file', "CREATE TABLE public.leak (line text);\nCOPY public.leak FROM '/etc/passwd';", /PostgreSQL said: permission denied to COPY from a file/],
  ['COPY … TO a server file', "COPY (SELECT 'x') TO '/tmp/pwned-file';", /PostgreSQL said: permission denied to COPY to a file/],
  ['pg_read_file', "CREATE TABLE public.leak AS SELECT pg_read_file('/etc/passwd') AS t;", /PostgreSQL said: permission denied for function pg_read_file/],
  ['lo_import of a server file', "SELECT lo_import('/etc/passwd');", /PostgreSQL said: permission denied for function lo_import/],
  ['lo_export to a server file', "SELECT lo_export(lo_from_bytea(0, 'x'::bytea), '/tmp/pwned-lo');", /PostgreSQL said: permission denied for function lo_export/],
  ['DO with dynamic SQL: dblink into the live database', "DO $$ BEGIN EXECUTE 'CREATE EXTENSION dblink SCHEMA public'; EXECUTE 'SELECT dblink_exec(''dbname=memos'', ''CREATE TABLE pwned_do (x int)'')'; END $$;", /extension dblink|"dblink"/],
  ['DO with dynamic SQL: making itself superuser', "DO $$ BEGIN EXECUTE format('ALTER ROLE %I SUPERUSER', current_user); END $$;", /PostgreSQL said: permission denied to alter role/, true],
  ['DO with dynamic SQL: a subscription to the live database', "DO $$ BEGIN EXECUTE 'CREATE SUBSCRIPTION pwned CONNECTION ''dbname=memos'' PUBLICATION p WITH (connect = false)'; END $$;", /PostgreSQL said: (permission denied to create subscription|must be superuser)/],
  ['ALTER SYSTEM', "ALTER SYSTEM SET shared_preload_libraries = 'pwned';", /ALTER SYSTEM cannot run inside a transaction block|permission denied to set parameter/],
  ['CREATE ROLE … SUPERUSER', "CREATE ROLE pwned_role SUPERUSER LOGIN PASSWORD 'x';", /PostgreSQL said: permission denied to create role/, true],
  ['CREATE FUNCTION … LANGUAGE C', "CREATE FUNCTION public.pwn() RETURNS void AS '/tmp/pwned.so', 'pwn' LANGUAGE C;", /PostgreSQL said: permission denied for language c/],
  ['SET ROLE to the superuser', "SET ROLE memos;\nCREATE TABLE public.pwned_role (x int);", /PostgreSQL said: permission denied to set role "memos"/, true],
  ['SET SESSION AUTHORIZATION to the superuser', 'SET SESSION AUTHORIZATION memos;', /PostgreSQL said: permission denied to set session authorization/],
  ['ALTER DATABASE of the live database', 'ALTER DATABASE memos SET search_path = pwned;', /PostgreSQL said: must be owner of database memos/],
];

/**
 * `public.evil(i)`: does `harm` when called during a restore (not while its database is built).
 * Declared IMMUTABLE (an index expression needs it), it calls a VOLATILE SECURITY DEFINER function
 * that does the harm (a non-volatile function may not run COPY or CREATE ROLE itself).
 */
const evil = (harm: string, extra = '') => `
  SET opsdeck.building = 'on';
  CREATE FUNCTION public.evil_harm(i integer) RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $f$
  BEGIN
    IF current_setting('opsdeck.building', true) IS DISTINCT FROM 'on' THEN EXECUTE ${harm}; END IF;
    RETURN i;
  END $f$;
  CREATE FUNCTION public.evil(i integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $f$ SELECT public.evil_harm(i) $f$;
  ${extra}`;

/** [name, throwaway database, what the restore job answers] */
const ARCHIVES: [string, string, RegExp][] = [
  ['an index expression running COPY … PROGRAM (SECURITY DEFINER)', evil("'COPY (SELECT 1) TO PROGRAM ''touch /tmp/pwned-index'''", 'CREATE TABLE public.t (a integer); INSERT INTO public.t VALUES (1); CREATE INDEX t_evil ON public.t (public.evil(a));'), /PostgreSQL said: permission denied to COPY to or from an external program/],
  ['a CHECK constraint writing a server file during the data load', evil("'COPY (SELECT 1) TO ''/tmp/pwned-file'''", 'CREATE TABLE public.t (a integer CHECK (public.evil(a) > 0)); INSERT INTO public.t VALUES (1);'), /PostgreSQL said: permission denied to COPY to a file/],
  ['a materialized view whose refresh creates a superuser', evil("'CREATE ROLE pwned_role SUPERUSER LOGIN'", 'CREATE TABLE public.t (a integer); INSERT INTO public.t VALUES (1); CREATE MATERIALIZED VIEW public.mv AS SELECT public.evil(a) FROM public.t;'), /PostgreSQL said: permission denied to create role/],
  ['an event trigger', `CREATE TABLE public.t (a integer);
    CREATE FUNCTION public.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $f$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch /tmp/pwned-program'''; END $f$;
    CREATE EVENT TRIGGER pwn ON ddl_command_end EXECUTE FUNCTION public.on_ddl();`, /PostgreSQL said: permission denied to create event trigger/],
];

describe('restore sandbox: hostile dumps (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    await env.addMemo('live memo');
    before = await world(env);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('the COPY-comment bypass is no longer listed as verified at import', async () => {
    const dir = path.join(env.dataDir, 'bypass');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'bypass.sql'), await plainDumpWith(env, PLAIN[0][1]));
    const job = await startImportDirectoryJob(env.stack, dir, 'admin').done;
    expect(job.summary, logOf(job.id)).toBe(`Imported 0 backup(s) from ${dir}; 1 file(s) could not be imported (see the log).`);
    expect(logOf(job.id)).toMatch(/bypass\.sql is not a usable backup \(Opsdeck refuses to load this SQL file: it contains the psql command \\!, .*\(line \d+\)\)/);
    expect(listBackups(env.stack)).toEqual([]);
    expect(await world(env)).toEqual(before);
  }, 300_000);

  it.each(PLAIN)('plain SQL with %s: refused by the sandbox alone (and by the restore job); nothing changed', async (name, hostile, sandboxSays, viaJob) => {
    const file = path.join(env.dataDir, `plain-${name.replace(/\W+/g, '-')}.sql`);
    fs.writeFileSync(file, await plainDumpWith(env, hostile));

    if (viaJob) {
      const job = await startRestoreJob(env.stack, catalogue(env, name, file, 'plain'), 'admin', { healthTimeoutMs: 60_000 }).done;
      const log = logOf(job.id);
      expect(job.status, log).toBe('failed');
      expect(job.summary).toMatch(new RegExp(`${LINT.source}|${sandboxSays.source}`));
      expect(log).not.toContain('Swapping databases');
      expect(await world(env)).toEqual(before);
    }

    const alone = await sandboxOnly(env, file, 'plain');
    expect(alone.error?.message, alone.log.join('\n')).toMatch(sandboxSays);
    expect(alone.log.join('\n')).toMatch(/Dropped the restore role opsdeck_restore_t\d+_[0-9a-f]{8}\./);
    expect(await world(env)).toEqual(before);
  }, 300_000);

  it.each(ARCHIVES)('custom format with %s: refused by PostgreSQL during the load; nothing changed', async (name, sql, says) => {
    const file = await archiveOf(env, 'archive', sql);
    const job = await startRestoreJob(env.stack, catalogue(env, name, file, 'custom'), 'admin', { healthTimeoutMs: 60_000 }).done;
    const log = logOf(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(SANDBOX);
    expect(job.summary).toMatch(says);
    expect(log).toMatch(/Loading as opsdeck_restore_\d+_[0-9a-f]{8}, a role made for this restore/);
    expect(log).toMatch(/Dropped the restore role opsdeck_restore_/);
    expect(await world(env)).toEqual(before);
  }, 300_000);

  it('what the restore role may do to its own database does not outlive the load (database settings reset)', async () => {
    const file = path.join(env.dataDir, 'settings.sql');
    fs.writeFileSync(file, await plainDumpWith(env, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = pwned, public', current_database()); EXECUTE format('ALTER ROLE %I SET search_path = pwned', current_user); END $$;"));
    let settings: unknown[] = ['not checked'];
    let owners: unknown[] = [];
    const r = await sandboxOnly(env, file, 'plain', async (scratch) => {
      settings = await env.sql("SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1", [scratch]);
      owners = (await env.sql<{ o: string }>("SELECT DISTINCT tableowner AS o FROM pg_tables WHERE schemaname = 'public'", [], scratch)).map((x) => x.o);
    });
    expect(r.error, r.log.join('\n')).toBeNull();
    expect(settings).toEqual([]);
    expect(owners).toEqual(['memos']);
    expect(await world(env)).toEqual(before);
  }, 300_000);

  it('an archive using pgvector (not a trusted extension) restores: created beforehand by the stack user, all of it owned by the stack user after', async () => {
    const file = await archiveOf(env, 'vector', "CREATE EXTENSION vector; CREATE TABLE public.emb (id integer, v vector(3)); INSERT INTO public.emb VALUES (1, '[1,2,3]');");
    let seen: unknown[] = [];
    const r = await sandboxOnly(env, file, 'custom', async (scratch) => {
      seen = await env.sql("SELECT e.extname, e.extowner::regrole::text AS owner, (SELECT tableowner FROM pg_tables WHERE tablename = 'emb') AS t, (SELECT v::text FROM public.emb) AS v FROM pg_extension e WHERE extname = 'vector'", [], scratch);
    });
    expect(r.error, r.log.join('\n')).toBeNull();
    expect(r.log.join('\n')).toContain('Created the extension(s) vector in memos__restore_');
    expect(seen).toEqual([{ extname: 'vector', owner: 'memos', t: 'memos', v: '[1,2,3]' }]);
    expect(await world(env)).toEqual(before);
  }, 300_000);
});
