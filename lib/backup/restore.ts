/**
 * Restoring a backup without ever touching the live database until the last moment:
 * checksum → load into a new database next to the live one, then check it → swap (swap.ts: stop
 * app, rename, start app, wait healthy, swap back on failure).
 * No safety pg_dump of the current database: the swap renames it to `<db>__kept_<stamp>_<job>` and
 * keeps it whole, which is a faster and more complete undo path ("Undo restore" renames it back)
 * than a dump taken on the critical path — that dump made the job take twice a bare pg_restore
 * (and run beside the load, tried on 2026-12-01, it shared the database's CPU and was no faster).
 * A failure before the swap leaves the live database as it was and drops the new one. A backup set's
 * volumes follow the same path (volume-restore.ts), swapped while the app is stopped for the rename.
 */
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { getBackup, type BackupEntry } from './catalogue';
import { createDatabaseLike, databaseExists, dropDatabase, inspectRestored, listKeptDatabases, scratchName } from './databases';
import { explainFailure, formatBytes } from './failure';
import { sha256File } from './file-sink';
import { during, pgTools, type PgTools } from '@/lib/postgres/tools';
import { loadInSandbox } from './sandbox-load';
import { swapInDatabase } from './swap';
import {
  dropRestoredVolumes, loadVolumes, swapInVolumesOnly, swapVolumesBack, swapVolumesIn, verifyVolumeChecksums, type PreparedVolume, type RestorePart,
} from './volume-restore';
import { say } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';

export interface RestoreOptions {
  /** How long the app gets to become healthy after the swap (default 120 s). */
  healthTimeoutMs?: number;
  /** What of a backup set to restore (default: the database, as for a dump-only backup). */
  parts?: RestorePart;
}

export interface RestoreResult {
  backup: BackupEntry;
  /** The previous database's kept name; null when only volumes were restored. */
  keptAs: string | null;
  /** The kept volumes holding each restored volume's previous data. */
  keptVolumes: string[];
}

/** Recovery note while the scratch database exists (see recovery.ts). */
export interface RestoreNote {
  stack: string;
  database: string;
  scratch: string;
}

const rateOf = (bytes: number, since: number) => Math.round(bytes / Math.max(0.001, (Date.now() - since) / 1000));

export async function verifyChecksum(entry: BackupEntry, ctx: JobContext): Promise<void> {
  if (entry.problem) throw new OpsdeckError('conflict', say('errors.backup.cannotRestore', { id: entry.id, problem: entry.problem }));
  const t0 = Date.now();
  const verifying = keyedPhase(say('progress.verifyingChecksum'));
  const actual = await sha256File(entry.dumpPath, (n) =>
    ctx.emit({ type: 'progress', ...verifying, bytes: n, totalBytes: entry.manifest.size, rate: rateOf(n, t0) }), ctx.signal);
  if (actual !== entry.manifest.sha256) {
    throw new OpsdeckError(
      'conflict',
      say('errors.backup.damaged', { id: entry.id }),
      { detail: `expected sha256 ${entry.manifest.sha256}, file has ${actual}` },
    );
  }
  ctx.emit({ type: 'log', ...say('log.restore.checksumOk', { sha: actual.slice(0, 16) }) });
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
  ctx.emit({ type: 'step', name: 'restore.load', ...say('steps.restore.load', { scratch, tool: custom ? 'pg_restore' : 'psql -v ON_ERROR_STOP=1 --single-transaction' }) });
  await during('create-scratch', createDatabaseLike(tools, scratch, db));
  const t0 = Date.now();
  const query = stack.app?.schemaVersionQuery;
  const restoring = keyedPhase(say('progress.restoringInto', { scratch }));
  const { checked } = await loadInSandbox(tools, {
    file: entry.dumpPath,
    format: entry.manifest.dumpFormat,
    scratch,
    onBytes: (n) => ctx.emit({ type: 'progress', ...restoring, bytes: n, totalBytes: entry.manifest.size, rate: rateOf(n, t0) }),
  }, ctx, async (as, via) => {
    ctx.emit({ type: 'log', ...say('log.restore.loaded', { size: formatBytes(entry.manifest.size), seconds: ((Date.now() - t0) / 1000).toFixed(1), tool: custom ? 'pg_restore' : 'psql', via }) });
    ctx.emit({ type: 'step', name: 'restore.check', ...say('steps.restore.check', { scratch }) });
    // As the restore role: the dump's own code (a view, a function) never runs as the stack's user.
    const { tables, schema } = await inspectRestored(tools, scratch, query, as);
    if (tables === 0) throw new OpsdeckError('conflict', say('errors.backup.noTables'));
    if (query && !schema) {
      throw new OpsdeckError('conflict', say('errors.backup.noSchemaVersion'), { detail: `query: ${query}` });
    }
    return { tables, schema };
  });
  ctx.emit({ type: 'log', ...say('log.restore.tables', { count: String(checked.tables), schema: checked.schema ? say('log.restore.schema', { version: checked.schema }) : '' }) });
}

/**
 * Restores `backupId` inside job `ctx` (which holds the stack's lock): its database (the default), its
 * volumes, or both (a backup set). The previous database is kept under a dated name and each previous
 * volume's data in a `…__kept_…` volume; "undo restore" puts a kept database back.
 */
export async function restoreDatabase(stack: Stack, backupId: string, ctx: JobContext, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const parts = opts.parts ?? 'database';
  let tools: PgTools | null = null;
  let scratch: string | null = null;
  const madeVolumes: string[] = [];
  try {
    const entry = getBackup(stack, backupId);
    const withDb = parts !== 'volumes';
    const withVolumes = parts !== 'database';
    if (withVolumes && !entry.manifest.volumes?.length) {
      throw new OpsdeckError('invalid_input', say('errors.backup.noVolumes', { id: entry.id }));
    }
    tools = pgTools(stack);
    ctx.emit({ type: 'step', name: 'restore.checksum', ...say('steps.restore.checksum', { id: entry.id, size: formatBytes(entry.manifest.size + (entry.manifest.volumes ?? []).reduce((n, v) => n + v.size, 0)) }) });
    if (withDb) await verifyChecksum(entry, ctx);
    if (withVolumes) await verifyVolumeChecksums(entry, ctx);

    if (withDb) {
      // Named before it exists: a load that fails half-way is dropped too.
      scratch = scratchName(tools.conn.database, 'restore', ctx.id);
      await loadIntoScratch(stack, tools, entry, scratch, ctx);
    }
    const prepared = withVolumes ? await loadVolumes(stack, entry, ctx, madeVolumes) : [];
    let keptAs: string | null = null;
    if (scratch) {
      const done: PreparedVolume[] = [];
      const also = prepared.length ? { swapIn: () => swapVolumesIn(stack, prepared, ctx, done), swapBack: () => swapVolumesBack(stack, done, ctx) } : undefined;
      ({ keptAs } = await swapInDatabase(stack, tools, scratch, ctx, { healthTimeoutMs: opts.healthTimeoutMs, what: say('errors.backup.whatRestored', { id: entry.id }), also }));
      scratch = null;
    } else {
      await swapInVolumesOnly(stack, prepared, ctx, { healthTimeoutMs: opts.healthTimeoutMs });
    }
    ctx.forget('restore');
    // Their data is in the live volumes now; the previous data stays in the kept volumes.
    await dropRestoredVolumes(stack, madeVolumes.splice(0), ctx);
    return { backup: entry, keptAs, keptVolumes: prepared.map((p) => p.kept) };
  } catch (e) {
    if (scratch && tools) {
      // Still under its scratch name: either the swap never happened or it was swapped back.
      const name = scratch;
      await dropDatabase(tools, name).then(
        () => ctx.emit({ type: 'log', ...say('log.restore.droppedScratch', { name }) }),
        (err) => ctx.emit({ type: 'log', level: 'warn', ...say('log.restore.couldNotDrop', { name, error: (err as Error).message }) }),
      );
    }
    await dropRestoredVolumes(stack, madeVolumes, ctx);
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
    if (!known.some((k) => k.name === kept)) throw new OpsdeckError('not_found', say('errors.backup.noKept', { name: kept, stack: stack.name }));
    if (!(await databaseExists(tools, kept))) throw new OpsdeckError('not_found', say('errors.backup.keptGone', { name: kept }));
    return await swapInDatabase(stack, tools, kept, ctx, { healthTimeoutMs: opts.healthTimeoutMs, what: say('errors.backup.whatKept', { db: kept }) });
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
    if (!known.some((k) => k.name === name)) throw new OpsdeckError('not_found', say('errors.backup.noKept', { name, stack: stack.name }));
    ctx.emit({ type: 'step', name: 'drop', ...say('steps.restore.drop', { name }) });
    await dropDatabase(tools, name);
  } catch (e) {
    throw explainFailure(e, { stack, tools });
  }
}
