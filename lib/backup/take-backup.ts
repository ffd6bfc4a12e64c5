/**
 * Taking a backup: `pg_dump -Fc` streamed to a temp file (hashed and counted on the way), fsynced,
 * checked with `pg_restore --list`, then the stack's data volumes (a backup set: volume-backup.ts),
 * then the manifest and the rename that make it a backup. Any
 * failure removes the temp file: nothing partial is ever listed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serviceContainers } from '@/lib/docker';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { backupDir, getBackup, type BackupEntry } from './catalogue';
import { readSchemaVersion, tableCounts, createDatabaseLike, dropDatabase, scratchName, versionAndSize } from './databases';
import { verifyDump } from './dump-io';
import { loadInSandbox } from './sandbox-load';
import { explainFailure, formatBytes, freeSpace } from './failure';
import { HashingFileSink } from './file-sink';
import { EXTENSION, TEMP_PREFIX, backupId, fsyncDir, writeManifest, type BackupManifest, type BackupReason } from './manifest';
import { PgCommandError, during, pgTools, type PgTools } from '@/lib/postgres/tools';
import { archiveVolumes } from './volume-backup';
import { OpsdeckError, userSaidOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';

export interface BackupOptions {
  reason: BackupReason;
  /** Also load it into a scratch database and count rows per table. */
  testRestore?: boolean;
  /**
   * Light compression (-Z1): about 40% less time than the default level for a few % more bytes
   * (measured on the benchmark's data). For the safety copy a restore takes on its critical path.
   */
  fast?: boolean;
}

/** "opsdeck/demo-app:1.1.0 (1.1.0)": the image running the app, with its version label when set. */
async function appVersion(stack: Stack): Promise<string | null> {
  if (!stack.app) return null;
  try {
    const [c] = (await serviceContainers(stack, stack.app.service)).sort((a, b) => (a.state === 'running' ? -1 : b.state === 'running' ? 1 : 0));
    if (!c) return null;
    return c.versionLabel && !c.image.endsWith(`:${c.versionLabel}`) ? `${c.image} (${c.versionLabel})` : c.image;
  } catch {
    return null;
  }
}

const rateOf = (bytes: number, since: number) => Math.round(bytes / Math.max(0.001, (Date.now() - since) / 1000));

/** Loads the dump into a scratch database, counts rows per table, drops it. */
export async function testRestoreBackup(tools: PgTools, entry: BackupEntry, ctx: JobContext): Promise<Record<string, number>> {
  const scratch = scratchName(tools.conn.database, 'verify', ctx.id);
  ctx.remember(`drop-database:${scratch}`, { stack: ctx.stack, database: scratch });
  try {
    await during('create-scratch', createDatabaseLike(tools, scratch, tools.conn.database));
    const started = Date.now();
    const phase = keyedPhase(say('progress.testRestore'));
    const load = {
      file: entry.dumpPath, format: entry.manifest.dumpFormat, scratch,
      onBytes: (n: number) => ctx.emit({ type: 'progress', ...phase, bytes: n, totalBytes: entry.manifest.size, rate: rateOf(n, started) }),
    };
    // Counted as the restore role, like any look into a freshly loaded dump.
    return (await loadInSandbox(tools, load, ctx, (as) => tableCounts(tools, scratch, as))).checked;
  } finally {
    await dropDatabase(tools, scratch).catch((e) => ctx.emit({ type: 'log', level: 'warn', ...say('log.backup.scratchNotDropped', { name: scratch, error: (e as Error).message }) }));
    ctx.forget(`drop-database:${scratch}`);
  }
}

/**
 * Takes a verified backup of the stack's database inside the job `ctx` (the caller holds the stack's
 * lock: a restore or an upgrade calls this for its safety backup). Returns the new catalogue entry.
 */
export async function takeBackup(stack: Stack, opts: BackupOptions, ctx: JobContext): Promise<BackupEntry> {
  const emit = ctx.emit;
  let dir: string | undefined;
  let tools: PgTools | null = null;
  let tmp: string | null = null;
  let sink: HashingFileSink | null = null;
  try {
    emit({ type: 'step', name: 'backup.prepare', ...say('steps.backup.prepare') });
    // A Swarm stack's volumes live on their nodes; archiving them is not built (docs/scale-out.md).
    if (stack.runtime === 'swarm' && stack.backupSet?.volumes.length) {
      throw new OpsdeckError('config_invalid', say('errors.backup.swarmNoVolumes', { stack: stack.name }));
    }
    tools = pgTools(stack);
    dir = backupDir(stack);
    const db = tools.conn.database;
    // Asked first: a stopped container or a wrong password is reported before any file exists.
    const [{ version, size }, schemaVersion, app] = await Promise.all([versionAndSize(tools), readSchemaVersion(tools, db, stack.app?.schemaVersionQuery), appVersion(stack)]);
    const free = freeSpace(dir);
    emit({ type: 'log', ...say('log.backup.database', { db, version, size: formatBytes(size), schema: schemaVersion ? say('log.backup.schema', { version: schemaVersion }) : '', free: free !== null ? say('log.backup.free', { size: formatBytes(free) }) : say('log.backup.freeUnknown'), dir }) });

    const startedAt = new Date();
    const id = backupId(stack.name, opts.reason, startedAt, dir);
    const fileName = `${id}${EXTENSION.custom}`;
    tmp = path.join(dir, `${TEMP_PREFIX}${fileName}`);
    ctx.remember(`temp-file:${tmp}`, tmp);

    const level = opts.fast ? ['-Z1'] : [];
    emit({ type: 'step', name: 'backup.dump', ...say('steps.backup.dump', { db, fast: opts.fast ? 'yes' : 'no', where: tools.where }) });
    const t0 = Date.now();
    const writing = keyedPhase(say('progress.writingDump'));
    sink = new HashingFileSink(tmp, (n) => emit({ type: 'progress', ...writing, bytes: n, rate: rateOf(n, t0) }));
    const r = await tools.run(['pg_dump', '-Fc', ...level, '--no-password', `--dbname=${db}`], { stdout: sink, signal: ctx.signal });
    if (r.exitCode !== 0) throw new PgCommandError('pg_dump', r.exitCode, r.stderr);
    const sha256 = sink.digest();
    const written = sink.bytes;
    const secs = (Date.now() - t0) / 1000;
    emit({ type: 'log', ...say('log.backup.wrote', { size: formatBytes(written), seconds: secs.toFixed(1), rate: formatBytes(written / Math.max(secs, 0.001)), sha: sha256.slice(0, 16) }) });
    if (r.stderr.trim()) emit({ type: 'log', level: 'warn', ...say('log.backup.pgDumpSaid', { said: r.stderr.trim().slice(-1000) }) });

    emit({ type: 'step', name: 'backup.verify', ...say('steps.backup.verify') });
    const check = await verifyDump(tools, tmp, 'custom', ctx.signal);
    if (!check.ok) throw new OpsdeckError('internal', say('errors.backup.unreadable'), { detail: check.detail ?? undefined });
    emit({ type: 'log', ...say('log.backup.listRead', { count: String(check.entries) }) });

    // The volumes after the dump: the dump is the part that must be verified first.
    const set = await archiveVolumes(stack, dir, id, ctx);

    const finishedAt = new Date();
    const manifest: BackupManifest = {
      format: 'opsdeck-backup/1', id, file: fileName, dumpFormat: 'custom', sha256, size: written, stack: stack.name, database: db,
      postgresVersion: version, schemaVersion, appVersion: app, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(), createdBy: ctx.user, reason: opts.reason, jobId: ctx.id,
      verified: { ok: true, at: finishedAt.toISOString(), method: check.method, entries: check.entries, detail: null },
      testRestore: null, importedFrom: null, ...set,
    };
    // Manifest first, dump second: until the dump's rename, the manifest lists nothing.
    writeManifest(dir, manifest);
    fs.renameSync(tmp, path.join(dir, fileName));
    fsyncDir(dir);
    ctx.forget(`temp-file:${tmp}`);
    tmp = null;
    let entry = getBackup(stack, id);

    if (opts.testRestore) {
      emit({ type: 'step', name: 'backup.test-restore', text: 'Test restore: loading the backup into a scratch database' });
      const at = new Date().toISOString();
      try {
        const tables = await testRestoreBackup(tools, entry, ctx);
        const rows = Object.values(tables).reduce((a, b) => a + b, 0);
        emit({ type: 'log', ...say('log.backup.testRestore', { tables: String(Object.keys(tables).length), rows: String(rows), counts: Object.entries(tables).map(([t, n]) => `${t}=${n}`).join(', ').slice(0, 1500) }) });
        writeManifest(dir, { ...manifest, testRestore: { ok: true, at, method: 'restore into a scratch database', tables } });
      } catch (e) {
        const why = explainFailure(e, { stack, tools, dir });
        writeManifest(dir, { ...manifest, testRestore: { ok: false, at, method: 'restore into a scratch database', detail: `${why.message} ${why.detail ?? ''}`.trim() } });
        throw new OpsdeckError(why.code, say('errors.backup.testRestoreFailed', { reason: userSaidOf(why) }), { detail: why.detail });
      }
      entry = getBackup(stack, id);
    }
    return entry;
  } catch (e) {
    throw explainFailure(e, { stack, tools, dir });
  } finally {
    sink?.destroy();
    if (tmp) {
      fs.rmSync(tmp, { force: true });
      ctx.forget(`temp-file:${tmp}`);
    }
  }
}
