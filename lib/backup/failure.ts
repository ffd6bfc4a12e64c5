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
import type { Said } from '@/lib/i18n/said';
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
const STEP_WORDS: Record<PgStep, () => Said> = {
  load: () => say('errors.backup.pg.step.load'),
  'create-scratch': () => say('errors.backup.pg.step.createScratch'),
  sandbox: () => say('errors.backup.pg.step.sandbox'),
  check: () => say('errors.backup.pg.step.check'),
  'hand-over': () => say('errors.backup.pg.step.handOver'),
  rename: () => say('errors.backup.pg.step.rename'),
  drop: () => say('errors.backup.pg.step.drop'),
};
const SANDBOX_REFUSAL = /permission denied|must be superuser|must be owner|must be a member|must be able to SET ROLE|must have (admin option|privileges)|only superusers? (can|may)|not allowed|cannot set parameter/i;

/** Failures while loading or checking a dump: the dump's own doing, refused by the sandbox or by PostgreSQL. */
function loadMessage(stderr: string, said: string): Said | null {
  if (/backslash commands are restricted/.test(stderr)) return say('errors.backup.pg.psqlCommands');
  if (/invalid command \\restrict/.test(stderr)) return say('errors.backup.pg.noRestrict');
  const ext = /permission denied to create extension "([^"]+)"/.exec(stderr);
  if (ext) return say('errors.backup.pg.extension', { extension: ext[1] });
  if (SANDBOX_REFUSAL.test(said)) return say('errors.backup.pg.sandboxRefused', { said });
  return null;
}

function fromStderr(stack: Stack, tools: PgTools | null, e: PgCommandError): OpsdeckError {
  const { tool, stderr, exitCode, step } = e;
  const db = tools?.conn.database ?? say('errors.backup.pg.theDatabase');
  const user = tools?.conn.user ?? say('errors.backup.pg.theUser');
  const passwordVar = tools?.passwordVar ?? stack.database?.passwordVar ?? 'POSTGRES_PASSWORD';
  const detail = `${tool} exited with code ${exitCode}\n${stderr.trim()}`;
  const says = (re: RegExp) => re.test(stderr);
  const said = stderr.match(/(?:ERROR|FATAL):\s*([^\n]{0,200})/)?.[1]?.trim() ?? stderr.trim().split('\n').pop()?.slice(0, 200) ?? '';
  const inLoad = step === 'load' || step === 'check';
  let message: Said | null = inLoad ? loadMessage(stderr, said) : null;
  if (message) {
    // The dump's doing: said above.
  } else if (says(/opsdeck_restore_\w+/) && says(/password authentication failed|no pg_hba\.conf entry|not permitted to log in/i)) {
    message = say('errors.backup.pg.sandboxLogin');
  } else if (says(/password authentication failed|no password supplied/i)) {
    message = say('errors.backup.pg.badPassword', { user, passwordVar });
  } else if (says(/FATAL:\s+role ".*" does not exist/i)) {
    message = say('errors.backup.pg.noUser', { user });
  } else if (says(/FATAL:\s+database ".*" does not exist/i)) {
    message = say('errors.backup.pg.noDatabase', { db });
  } else if (says(/No space left on device|could not extend file|disk full/i)) {
    message = say('errors.backup.pg.serverDiskFull');
  } else if (says(/could not connect|Connection refused|connection to server .* failed|the database system is (starting up|shutting down)|server closed the connection/i)) {
    message = say('errors.backup.pg.notAccepting', { where: tools?.where ?? say('errors.backup.pg.database') });
  } else if (step === 'sandbox' && says(/permission denied to create role|must have CREATEROLE/i)) {
    message = say('errors.backup.pg.noCreateRole', { user });
  } else if (says(/permission denied/i) && !inLoad) {
    message = say('errors.backup.pg.permissionDenied', { user });
  } else if (says(/input file does not appear to be a valid archive|unsupported version|did not find magic string|corrupt|unexpected end of file|could not read input file/i)) {
    message = say('errors.backup.pg.damaged');
  } else if (inLoad && says(/syntax error|ERROR:/)) {
    message = say('errors.backup.pg.rejectedSql', { said: said.slice(0, 160) || say('errors.backup.pg.anError') });
  } else if (step && says(/ERROR:|FATAL:/)) {
    const after = step === 'rename' ? say('errors.backup.pg.afterRename') : step === 'drop' ? '' : say('errors.backup.pg.afterOther');
    message = say('errors.backup.pg.stepFailed', { step: STEP_WORDS[step](), said: said.slice(0, 160), after });
  } else {
    message = say('errors.backup.pg.toolFailed', { tool, code: String(exitCode) });
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
