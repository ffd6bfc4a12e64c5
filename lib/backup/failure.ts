/**
 * Why a backup or restore failed, in words a non-CLI user understands. The tool's own text (already
 * masked) stays in `detail`, one click away on the page.
 */
import fs from 'node:fs';
import { ServiceNotRunningError } from '@/lib/docker';
import { OpsdeckError, isOpsdeckError } from '@/lib/errors';
import type { Stack } from '@/lib/stacks/types';
import { PgCommandError, type PgTools } from './pg-tools';

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

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
    `The disk holding the backup folder is full${free !== null ? ` (${formatBytes(free)} free)` : ''}. Free some space (or delete old backups) and try again. Nothing partial was kept.`,
    { detail: `${dir}: ${cause instanceof Error ? cause.message : String(cause)}`, cause },
  );
}

function fromStderr(stack: Stack, tools: PgTools | null, tool: string, stderr: string, exitCode: number): OpsdeckError {
  const db = tools?.conn.database ?? 'the database';
  const user = tools?.conn.user ?? 'the configured user';
  const passwordVar = tools?.passwordVar ?? stack.database?.passwordVar ?? 'POSTGRES_PASSWORD';
  const detail = `${tool} exited with code ${exitCode}\n${stderr.trim()}`;
  const says = (re: RegExp) => re.test(stderr);
  let message: string;
  if (says(/password authentication failed|no password supplied/i)) {
    message = `PostgreSQL refused the password for user "${user}". Check ${passwordVar} in the stack's env file: its password must match the database's.`;
  } else if (says(/role ".*" does not exist/i)) {
    message = `PostgreSQL has no user named "${user}". Check the user name in the stack's env file.`;
  } else if (says(/database ".*" does not exist/i)) {
    message = `The database "${db}" does not exist on the server. Check the database name in the stack's env file.`;
  } else if (says(/No space left on device|could not extend file|disk full/i)) {
    message = 'The database server ran out of disk space while working. Free space on the database host, then try again.';
  } else if (says(/could not connect|Connection refused|connection to server .* failed|the database system is (starting up|shutting down)|server closed the connection/i)) {
    message = `PostgreSQL is not accepting connections (${tools?.where ?? 'database'}). It may be starting, stopping or overloaded; check the Status tab, then try again.`;
  } else if (says(/permission denied/i)) {
    message = `User "${user}" is not allowed to do this in PostgreSQL (permission denied). A backup or restore needs the database owner or a superuser.`;
  } else if (says(/input file does not appear to be a valid archive|unsupported version|did not find magic string|corrupt|unexpected end of file|could not read input file/i)) {
    message = 'The backup file is damaged or is not a PostgreSQL backup, so it cannot be read.';
  } else if (says(/syntax error|ERROR:/)) {
    message = `PostgreSQL rejected the backup's SQL (${stderr.match(/ERROR:\s*([^\n]{0,160})/)?.[1] ?? 'an error'}). Nothing was changed in the live database.`;
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
        ? `The database container of stack ${ctx.stack.name} is stopped (service ${e.service}: ${e.found}). Start it from the Status tab, then try again.`
        : e.message,
      { detail: e.detail, cause: e },
    );
  }
  if (e instanceof PgCommandError) return fromStderr(ctx.stack, ctx.tools, e.tool, e.stderr, e.exitCode);
  if (ctx.dir && isDiskFull(e)) return diskFull(ctx.dir, e);
  if (isOpsdeckError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return new OpsdeckError('internal', `Opsdeck may not write to the backup folder${ctx.dir ? ` ${ctx.dir}` : ''} (permission denied).`, { detail: err.message, cause: e });
  }
  return new OpsdeckError('internal', 'The job failed because of an unexpected error.', { detail: err instanceof Error ? `${err.name}: ${err.message}` : String(e), cause: e });
}
