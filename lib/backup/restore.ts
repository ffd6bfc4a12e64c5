/**
 * Restoring a backup without ever touching the live database until the last moment:
 * checksum → safety backup of the current database → load into a new database next to the live
 * one, then check it → swap (swap.ts: stop app, rename, start app, wait healthy, swap back on
 * failure). One after the other: run side by side (tried on 2026-12-01) they share the database
 * container's CPU and the job is no faster, while each step's progress would hide the other's.
 * A failure before the swap leaves the live database as it was and drops the new one.
 */
import { OpsdeckError, isOpsdeckError, userMessageOf } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { getBackup, type BackupEntry } from './catalogue';
import { createDatabaseLike, databaseExists, dropDatabase, inspectRestored, listKeptDatabases, scratchName } from './databases';
import { explainFailure, formatBytes } from './failure';
import { sha256File } from './file-sink';
import { during, pgTools, type PgTools } from './pg-tools';
import { loadInSandbox } from './sandbox-load';
import { swapInDatabase } from './swap';
import { takeBackup } from './take-backup';

export interface RestoreOptions {
  /** How long the app gets to become healthy after the swap (default 120 s). */
  healthTimeoutMs?: number;
  /** Default true. The upgrade's rollback restores the backup it has just taken and may skip it. */
  safetyBackup?: boolean;
}

export interface RestoreResult {
  backup: BackupEntry;
  keptAs: string;
  safetyBackupId: string | null;
}

/** Recovery note while the scratch database exists (see recovery.ts). */
export interface RestoreNote {
  stack: string;
  database: string;
  scratch: string;
}

const rateOf = (bytes: number, since: number) => Math.round(bytes / Math.max(0.001, (Date.now() - since) / 1000));

export async function verifyChecksum(entry: BackupEntry, ctx: JobContext): Promise<void> {
  if (entry.problem) throw new OpsdeckError('conflict', `Backup ${entry.id} cannot be restored: ${entry.problem}`);
  const t0 = Date.now();
  const actual = await sha256File(entry.dumpPath, (n) =>
    ctx.emit({ type: 'progress', phase: 'Verifying the checksum', bytes: n, totalBytes: entry.manifest.size, rate: rateOf(n, t0) }), ctx.signal);
  if (actual !== entry.manifest.sha256) {
    throw new OpsdeckError(
      'conflict',
      `Backup ${entry.id} has been changed or damaged since it was written (checksum mismatch), so Opsdeck refuses to restore it. Nothing was changed.`,
      { detail: `expected sha256 ${entry.manifest.sha256}, file has ${actual}` },
    );
  }
  ctx.emit({ type: 'log', text: `Checksum matches (sha256 ${actual.slice(0, 16)}…).` });
}

/**
 * Loads the backup into a new database next to the live one, inside the restore sandbox
 * (sandbox-load.ts), and checks it as the restore role before it is handed to the stack's user.
 */
async function loadIntoScratch(stack: Stack, tools: PgTools, entry: BackupEntry, scratch: string, ctx: JobContext): Promise<void> {
  const db = tools.conn.database;
  const note: RestoreNote = { stack: stack.name, database: db, scratch };
  ctx.remember('restore', note);
  const custom = entry.manifest.dumpFormat === 'custom';
  ctx.emit({ type: 'step', name: 'restore.load', text: `Restoring into a new database ${scratch} next to the live one (${custom ? 'pg_restore' : 'psql -v ON_ERROR_STOP=1 --single-transaction'})` });
  await during('create-scratch', createDatabaseLike(tools, scratch, db));
  const t0 = Date.now();
  const query = stack.app?.schemaVersionQuery;
  const { checked } = await loadInSandbox(tools, {
    file: entry.dumpPath,
    format: entry.manifest.dumpFormat,
    scratch,
    onBytes: (n) => ctx.emit({ type: 'progress', phase: `Restoring into ${scratch}`, bytes: n, totalBytes: entry.manifest.size, rate: rateOf(n, t0) }),
  }, ctx, async (as, via) => {
    ctx.emit({ type: 'log', text: `Loaded ${formatBytes(entry.manifest.size)} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${custom ? 'pg_restore' : 'psql'} ran ${via}).` });
    ctx.emit({ type: 'step', name: 'restore.check', text: `Checking ${scratch}` });
    // As the restore role: the dump's own code (a view, a function) never runs as the stack's user.
    const { tables, schema } = await inspectRestored(tools, scratch, query, as);
    if (tables === 0) throw new OpsdeckError('conflict', 'The restored database has no tables: the backup is empty. The live database was not touched.');
    if (query && !schema) {
      throw new OpsdeckError('conflict', "The restored database has no readable schema version, so it does not look like this app's database. The live database was not touched.", { detail: `query: ${query}` });
    }
    return { tables, schema };
  });
  ctx.emit({ type: 'log', text: `${checked.tables} tables present${checked.schema ? `, schema version ${checked.schema}` : ''}.` });
}

/**
 * The safety backup of the current database, before anything else is done to it. Its steps become
 * log lines and its progress a phase of its own, so the job's steps stay the restore's.
 */
async function takeSafetyBackup(stack: Stack, ctx: JobContext): Promise<string> {
  ctx.emit({ type: 'step', name: 'restore.safety-backup', text: 'Taking a safety backup of the current database' });
  const emit: JobContext['emit'] = (e) =>
    ctx.emit(e.type === 'step' ? { type: 'log', text: `Safety backup: ${e.text ?? e.name}` } : e.type === 'progress' ? { ...e, phase: `Safety backup: ${e.phase.toLowerCase()}` } : e.type === 'log' ? { ...e, text: `Safety backup: ${e.text}` } : e);
  try {
    const backup = await takeBackup(stack, { reason: 'pre-restore', fast: true }, { ...ctx, emit });
    ctx.emit({ type: 'log', text: `Safety backup ${backup.id} written and verified.` });
    return backup.id;
  } catch (e) {
    throw new OpsdeckError(isOpsdeckError(e) ? e.code : 'internal', `The safety backup of the current database failed, so the restore was stopped before anything changed: ${userMessageOf(e)}`, { detail: isOpsdeckError(e) ? e.detail : undefined, cause: e });
  }
}

/**
 * Restores `backupId` over the stack's live database inside job `ctx` (which holds the stack's lock).
 * The previous database is kept under a dated name; "undo restore" puts it back.
 */
export async function restoreDatabase(stack: Stack, backupId: string, ctx: JobContext, opts: RestoreOptions = {}): Promise<RestoreResult> {
  let tools: PgTools | null = null;
  let scratch: string | null = null;
  try {
    const entry = getBackup(stack, backupId);
    tools = pgTools(stack);
    ctx.emit({ type: 'step', name: 'restore.checksum', text: `Verifying the checksum of ${entry.id} (${formatBytes(entry.manifest.size)})` });
    await verifyChecksum(entry, ctx);

    const safetyBackupId = opts.safetyBackup === false ? null : await takeSafetyBackup(stack, ctx);
    // Named before it exists: a load that fails half-way is dropped too.
    scratch = scratchName(tools.conn.database, 'restore', ctx.id);
    await loadIntoScratch(stack, tools, entry, scratch, ctx);
    const { keptAs } = await swapInDatabase(stack, tools, scratch, ctx, { healthTimeoutMs: opts.healthTimeoutMs, what: `the restored backup ${entry.id}` });
    scratch = null;
    ctx.forget('restore');
    return { backup: entry, keptAs, safetyBackupId };
  } catch (e) {
    if (scratch && tools) {
      // Still under its scratch name: either the swap never happened or it was swapped back.
      await dropDatabase(tools, scratch).then(
        () => ctx.emit({ type: 'log', text: `Dropped the unfinished database ${scratch}.` }),
        (err) => ctx.emit({ type: 'log', level: 'warn', text: `Could not drop ${scratch}: ${(err as Error).message}` }),
      );
    }
    ctx.forget('restore');
    throw explainFailure(e, { stack, tools });
  }
}

/** Puts a kept database back in place of the live one (the live one is kept in turn). */
export async function undoRestore(stack: Stack, kept: string, ctx: JobContext, opts: { healthTimeoutMs?: number } = {}): Promise<{ keptAs: string }> {
  let tools: PgTools | null = null;
  try {
    tools = pgTools(stack);
    const known = await listKeptDatabases(tools);
    if (!known.some((k) => k.name === kept)) throw new OpsdeckError('not_found', `There is no kept database named "${kept}" for stack ${stack.name}.`);
    if (!(await databaseExists(tools, kept))) throw new OpsdeckError('not_found', `The kept database ${kept} no longer exists.`);
    return await swapInDatabase(stack, tools, kept, ctx, { healthTimeoutMs: opts.healthTimeoutMs, what: `the kept database ${kept}` });
  } catch (e) {
    throw explainFailure(e, { stack, tools });
  }
}

/** Drops a kept database (admin). Only names in the kept list are accepted. */
export async function dropKeptDatabase(stack: Stack, name: string, ctx: JobContext): Promise<void> {
  let tools: PgTools | null = null;
  try {
    tools = pgTools(stack);
    const known = await listKeptDatabases(tools);
    if (!known.some((k) => k.name === name)) throw new OpsdeckError('not_found', `There is no kept database named "${name}" for stack ${stack.name}.`);
    ctx.emit({ type: 'step', name: 'drop', text: `Dropping the kept database ${name}` });
    await dropDatabase(tools, name);
  } catch (e) {
    throw explainFailure(e, { stack, tools });
  }
}
