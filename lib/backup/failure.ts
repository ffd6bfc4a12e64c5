/**
 * Why a backup or restore failed, in words a non-CLI user understands. The tool's own text (already
 * masked) stays in `detail`, one click away on the page.
 */
import fs from 'node:fs';
import { ServiceNotRunningError } from '@/lib/docker';
import { OpsdeckError, isOpsdeckError } from '@/lib/errors';
import { formatBytes } from '@/lib/format/bytes';
import type { Stack } from '@/lib/stacks/types';
import { PgCommandError, type PgStep, type PgTools } from '@/lib/postgres/tools';
import { say } from '@/lib/i18n/server-text';


/** Free bytes on the filesystem holding `dir` (null when it cannot be read). */
export function freeSpace(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

const isDiskFull = (e: unknown) =>
  (e as NodeJS.ErrnoException)?.code === 'ENOSPC' || /No space left on device|could not extend file|disk full/i.test(String((e as Error)?.message ?? e));

function diskFull(dir: string, cause: unknown): OpsdeckError {
  const free = freeSpace(dir);
  return new OpsdeckError(
    'internal',
    say('errors.backup.diskFull', { free: free !== null ? say('errors.backup.diskFree', { size: formatBytes(free) }) : '' }),
    { detail: `${dir}: ${cause instanceof Error ? cause.message : String(cause)}`, cause },
  );
}

/** What Opsdeck was doing, for a failure that is not the backup's own SQL. */
const STEP_WORDS: Record<PgStep, string> = {
  load: 'Loading the backup',
  'create-scratch': 'Creating the new database for the restore',
  sandbox: 'Preparing the restore role (the restore sandbox)',
  check: 'Checking the restored database',
  'hand-over': 'Handing the restored database to the stack\'s user',
  rename: 'Swapping the databases (renaming)',
  drop: 'Dropping the database',
};
const SANDBOX_REFUSAL = /permission denied|must be superuser|must be owner|must be a member|must be able to SET ROLE|must have (admin option|privileges)|only superusers? (can|may)|not allowed|cannot set parameter/i;

/** Failures while loading or checking a dump: the dump's own doing, refused by the sandbox or by PostgreSQL. */
function loadMessage(stderr: string, said: string): string | null {
  if (/backslash commands are restricted/.test(stderr)) {
    return 'The backup contains psql commands (such as \\! or \\connect), which a restore does not run: psql, in restricted mode, refused them. Nothing was changed in the live database.';
  }
  if (/invalid command \\restrict/.test(stderr)) {
    return 'The psql that runs the restore has no restricted mode (\\restrict), so Opsdeck does not restore plain SQL with it. Update the database image (a minor update). Nothing was changed.';
  }
  const ext = /permission denied to create extension "([^"]+)"/.exec(stderr);
  if (ext) {
    return `The backup needs the extension ${ext[1]}, which only a superuser may create and which is not on Opsdeck's allow-list for restores. Nothing was changed in the live database.`;
  }
  if (SANDBOX_REFUSAL.test(said)) {
    return `The backup tried something a restore may not do: it may only create things inside its new database (PostgreSQL said: ${said}). Nothing was changed in the live database.`;
  }
  return null;
}

function fromStderr(stack: Stack, tools: PgTools | null, e: PgCommandError): OpsdeckError {
  const { tool, stderr, exitCode, step } = e;
  const db = tools?.conn.database ?? 'the database';
  const user = tools?.conn.user ?? 'the configured user';
  const passwordVar = tools?.passwordVar ?? stack.database?.passwordVar ?? 'POSTGRES_PASSWORD';
  const detail = `${tool} exited with code ${exitCode}\n${stderr.trim()}`;
  const says = (re: RegExp) => re.test(stderr);
  const said = stderr.match(/(?:ERROR|FATAL):\s*([^\n]{0,200})/)?.[1]?.trim() ?? stderr.trim().split('\n').pop()?.slice(0, 200) ?? '';
  const inLoad = step === 'load' || step === 'check';
  let message: string | null = inLoad ? loadMessage(stderr, said) : null;
  if (message) {
    // The dump's doing: said above.
  } else if (says(/opsdeck_restore_\w+/) && says(/password authentication failed|no pg_hba\.conf entry|not permitted to log in/i)) {
    message = 'PostgreSQL did not let the restore role Opsdeck made for this restore log in (check pg_hba.conf: the role logs in like the stack\'s user, to the new database only). Nothing was changed in the live database.';
  } else if (says(/password authentication failed|no password supplied/i)) {
    message = `PostgreSQL refused the password for user "${user}". Check ${passwordVar} in the stack's env file: its password must match the database's.`;
  } else if (says(/FATAL:\s+role ".*" does not exist/i)) {
    message = `PostgreSQL has no user named "${user}". Check the user name in the stack's env file.`;
  } else if (says(/FATAL:\s+database ".*" does not exist/i)) {
    message = `The database "${db}" does not exist on the server. Check the database name in the stack's env file.`;
  } else if (says(/No space left on device|could not extend file|disk full/i)) {
    message = 'The database server ran out of disk space while working. Free space on the database host, then try again.';
  } else if (says(/could not connect|Connection refused|connection to server .* failed|the database system is (starting up|shutting down)|server closed the connection/i)) {
    message = `PostgreSQL is not accepting connections (${tools?.where ?? 'database'}). It may be starting, stopping or overloaded; check the Status tab, then try again.`;
  } else if (step === 'sandbox' && says(/permission denied to create role|must have CREATEROLE/i)) {
    message = `User "${user}" may not create roles, and Opsdeck loads a backup only as a role made for that restore (the restore sandbox). Give it CREATEROLE (ALTER ROLE ${user} CREATEROLE) or use the database's superuser. Nothing was changed.`;
  } else if (says(/permission denied/i) && !inLoad) {
    message = `User "${user}" is not allowed to do this in PostgreSQL (permission denied). A backup or restore needs the database owner or a superuser.`;
  } else if (says(/input file does not appear to be a valid archive|unsupported version|did not find magic string|corrupt|unexpected end of file|could not read input file/i)) {
    message = 'The backup file is damaged or is not a PostgreSQL backup, so it cannot be read.';
  } else if (inLoad && says(/syntax error|ERROR:/)) {
    message = `PostgreSQL rejected the backup's SQL (${said.slice(0, 160) || 'an error'}). Nothing was changed in the live database.`;
  } else if (step && says(/ERROR:|FATAL:/)) {
    const after = step === 'rename' ? ' Nothing was renamed: the live database is as it was.' : step === 'drop' ? '' : ' The live database was not touched.';
    message = `${STEP_WORDS[step]} failed (PostgreSQL said: ${said.slice(0, 160)}).${after}`;
  } else {
    message = `${tool} failed (exit code ${exitCode}). The technical detail below says why.`;
  }
  return new OpsdeckError('database_unavailable', message, { detail });
}

/** Any error of a backup/restore step → an OpsdeckError with a plain-words message. */
export function explainFailure(e: unknown, ctx: { stack: Stack; tools: PgTools | null; dir?: string }): OpsdeckError {
  if (e instanceof ServiceNotRunningError) {
    const isDb = e.service === ctx.stack.database?.service;
    return new OpsdeckError(
      'database_unavailable',
      isDb
        ? say('errors.backup.databaseStopped', { stack: ctx.stack.name, service: e.service, found: e.found })
        : e.message,
      { detail: e.detail, cause: e },
    );
  }
  if (e instanceof PgCommandError) return fromStderr(ctx.stack, ctx.tools, e);
  if (ctx.dir && isDiskFull(e)) return diskFull(ctx.dir, e);
  if (isOpsdeckError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return new OpsdeckError('internal', say('errors.backup.permissionDenied', { dir: ctx.dir ? say('errors.backup.dir', { dir: ctx.dir }) : '' }), { detail: err.message, cause: e });
  }
  return new OpsdeckError('internal', say('errors.backup.unexpected'), { detail: err instanceof Error ? `${err.name}: ${err.message}` : String(e), cause: e });
}

// Callers in lib/backup and lib/offsite import it from here.
export { formatBytes };
