/**
 * Rebuilding a past moment: a throwaway PostgreSQL container of the database's image (no network)
 * on a copy of the nearest base backup, replaying archived WAL to recovery_target_time, then
 * promoted. It is previewed (row counts, newest rows' times, schema version) and dumped into an
 * ordinary backup entry that the usual restore path (scratch, check, swap, health gate) loads.
 *
 * The WAL it sees is the base backup's epoch only, each completed segment checked against its sum,
 * up to the first hole; the newest `.partial` is offered under its segment name as the last file, and
 * only because Opsdeck wrote a commit after the target and waited for it to be archived first
 * (markArchived): recovery then stops at the target, before the zero padding.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execInHelper, helperExit, helperLogs, removeHelper, runHelperToEnd, startIsolatedHelper } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import { HashingFileSink, sha256File } from '@/lib/backup/file-sink';
import { EXTENSION, TEMP_PREFIX, backupId, fsyncDir, writeManifest, type BackupManifest } from '@/lib/backup/manifest';
import { FIELD, quoteIdent, type PgTools } from '@/lib/postgres/tools';
import { backupDir } from '@/lib/backup/catalogue';
import { verifyDump } from '@/lib/backup/dump-io';
import type { Stack } from '@/lib/stacks/types';
import { baseBackupDir } from './base-backup';
import { pitrDir, walDir, workDir } from './layout';
import { findGaps, SEGMENT, type EpochWal } from './segments';
import type { Piece } from './window';
import { say } from '@/lib/i18n/server-text';

export const REBUILD_ROLE = 'pitr-rebuild';

/** Recovery note while a rebuild container or its work folder exists. */
export interface RebuildNote {
  stack: string;
  container: string | null;
  dir: string;
}

export interface PointPreview {
  target: string;
  tables: { name: string; rows: number; newest: string | null }[];
  schemaVersion: string | null;
  postgresVersion: string;
}

async function copyChecked(from: string, to: string, sha256: string): Promise<boolean> {
  const buf = await fs.promises.readFile(from);
  if (createHash('sha256').update(buf).digest('hex') !== sha256) return false;
  await fs.promises.writeFile(to, buf, { mode: 0o644 });
  return true;
}

/** Prepares data/ (the base backup's copy, recovery settings) and wal/ (checked copies of the segments). */
async function prepare(stack: Stack, piece: Piece, wal: EpochWal, target: Date, dir: string): Promise<number> {
  const data = path.join(dir, 'data');
  const walOut = path.join(dir, 'wal');
  fs.mkdirSync(walOut, { recursive: true });
  fs.cpSync(baseBackupDir(stack, piece.base.id), data, { recursive: true });
  fs.rmSync(path.join(data, 'opsdeck-base.json'), { force: true });
  const src = walDir(stack, piece.epoch);
  const holes = await findGaps(src, wal, piece.base.startSegment, false);
  const stop = holes[0]?.from ?? null;
  let n = 0;
  let damaged: string | null = null;
  for (const name of Object.keys(wal.sums).sort()) {
    if (name < piece.base.startSegment || name.slice(0, 8) !== piece.base.startSegment.slice(0, 8)) continue;
    if (stop && name >= stop) break;
    // Copied, not linked: the copy is the server's to read (another uid, mode 0644, read-only
    // mount), and it is checked against its sum as it is made, so what is replayed is what was archived.
    if (!(await copyChecked(path.join(src, name), path.join(walOut, name), wal.sums[name].sha256))) {
      damaged = name;
      break;
    }
    n++;
  }
  const partial = wal.partial?.slice(0, -'.partial'.length);
  if (!stop && !damaged && partial && SEGMENT.test(partial) && !wal.sums[partial]) {
    fs.copyFileSync(path.join(src, wal.partial!), path.join(walOut, partial));
    fs.chmodSync(path.join(walOut, partial), 0o644);
    n++;
  }
  fs.appendFileSync(path.join(data, 'postgresql.auto.conf'), [
    '',
    '# point-in-time rebuild by Opsdeck',
    "restore_command = 'cp /wal/%f \"%p\"'",
    // PostgreSQL's own spelling: the ISO 'T…Z' form is refused in this setting.
    `recovery_target_time = '${target.toISOString().replace('T', ' ').replace('Z', '+00')}'`,
    "recovery_target_action = 'promote'",
    "recovery_target_timeline = 'current'",
    "archive_mode = 'off'",
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(data, 'recovery.signal'), '');
  return n;
}

const TARGET_NOT_REACHED = /recovery ended before configured recovery target was reached/;

async function waitPromoted(stack: Stack, id: string, user: string, ctx: Pick<JobContext, 'signal'>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    ctx.signal.throwIfAborted();
    const exit = await helperExit(id, stack).catch(() => ({ exitCode: -1 }));
    if (exit) {
      const said = await helperLogs(id, 60, stack);
      if (TARGET_NOT_REACHED.test(said)) {
        throw new OpsdeckError('conflict', say('errors.pitr.walEndsBefore'), { detail: said });
      }
      throw new OpsdeckError('internal', say('errors.pitr.rebuildStopped', { code: String(exit.exitCode), said: said.trim().split('\n').slice(-3).join(' / ') }), { detail: said });
    }
    const r = await execInHelper(id, { cmd: ['psql', '-X', '-A', '-t', '-U', user, '-d', 'postgres', '-c', 'SELECT pg_is_in_recovery()'] }, stack).catch(() => null);
    if (r?.exitCode === 0 && r.stdout.trim() === 'f') return;
    if (Date.now() > deadline) throw new OpsdeckError('conflict', say('errors.pitr.replayTimeout', { seconds: String(Math.round(timeoutMs / 1000)) }));
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function query(stack: Stack, id: string, user: string, db: string, sql: string): Promise<string[][]> {
  const r = await execInHelper(id, { cmd: ['psql', '-X', '-q', '-A', '-t', '-F', FIELD, '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', db, '-c', sql] }, stack);
  if (r.exitCode !== 0) throw new OpsdeckError('internal', say('errors.pitr.readRebuiltFailed', { said: r.stderr.trim().slice(-300) }), { detail: r.stderr });
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(FIELD));
}

/** Row counts of the biggest tables and, where a table has a time column, its newest value. */
async function preview(id: string, stack: Stack, tools: PgTools, target: Date): Promise<PointPreview> {
  const { user, database } = tools.conn;
  const tables = await query(stack, id, user, database, `SELECT n.nspname, c.relname,
      (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        AND (a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype) OR a.attname IN ('created_ts', 'updated_ts'))
        ORDER BY a.attname IN ('created_ts', 'created_at') DESC, a.attnum LIMIT 1)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 12`);
  const out: PointPreview['tables'] = [];
  for (const [schema, name, col] of tables) {
    const rel = `${quoteIdent(schema)}.${quoteIdent(name)}`;
    // A bigint *_ts column holds Unix seconds (the Memos layout).
    const newest = !col ? 'NULL' : `(SELECT CASE WHEN pg_typeof(m)::text IN ('bigint', 'integer') THEN to_timestamp(m::text::bigint)::text ELSE m::text END FROM (SELECT max(${quoteIdent(col)}) AS m FROM ${rel}) x)`;
    const [[rows, last]] = await query(stack, id, user, database, `SELECT count(*), ${newest} FROM ${rel}`);
    out.push({ name: `${schema}.${name}`, rows: Number(rows), newest: last || null });
  }
  let schemaVersion: string | null = null;
  if (stack.app?.schemaVersionQuery) {
    schemaVersion = (await query(stack, id, user, database, stack.app.schemaVersionQuery).catch(() => []))[0]?.[0] || null;
  }
  const [[version]] = await query(stack, id, user, database, "SELECT current_setting('server_version')");
  return { target: target.toISOString(), tables: out, schemaVersion, postgresVersion: version };
}

/** pg_dump of the rebuilt database into the backup folder as a verified 'point-in-time' entry. */
async function dumpRebuilt(id: string, stack: Stack, tools: PgTools, target: Date, ctx: JobContext, p: PointPreview): Promise<string> {
  const dir = backupDir(stack);
  const startedAt = new Date();
  const bid = backupId(stack.name, 'point-in-time', startedAt, dir);
  const file = `${bid}${EXTENSION.custom}`;
  const tmp = path.join(dir, `${TEMP_PREFIX}${file}`);
  ctx.remember(`temp-file:${tmp}`, tmp);
  const sink = new HashingFileSink(tmp, () => undefined);
  try {
    const r = await execInHelper(id, { cmd: ['pg_dump', '-Fc', '-Z1', '-U', tools.conn.user, `--dbname=${tools.conn.database}`], stdout: sink, signal: ctx.signal }, stack);
    if (r.exitCode !== 0) throw new OpsdeckError('internal', say('errors.pitr.dumpRebuiltFailed', { said: r.stderr.trim().slice(-300) }), { detail: r.stderr });
    const check = await verifyDump(tools, tmp, 'custom', ctx.signal);
    if (!check.ok) throw new OpsdeckError('internal', say('errors.pitr.dumpUnreadable'), { detail: check.detail ?? undefined });
    const sha256 = sink.digest();
    if ((await sha256File(tmp)) !== sha256) throw new OpsdeckError('internal', say('errors.pitr.dumpChanged'));
    const finishedAt = new Date();
    const manifest: BackupManifest = {
      format: 'opsdeck-backup/1', id: bid, file, dumpFormat: 'custom', sha256, size: sink.bytes, stack: stack.name, database: tools.conn.database,
      postgresVersion: p.postgresVersion, schemaVersion: p.schemaVersion, appVersion: null, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(), createdBy: ctx.user, reason: 'point-in-time', jobId: ctx.id,
      verified: { ok: true, at: finishedAt.toISOString(), method: check.method, entries: check.entries, detail: `the database as it was at ${target.toISOString()}` },
      testRestore: null, importedFrom: null,
    };
    writeManifest(dir, manifest);
    fs.renameSync(tmp, path.join(dir, file));
    fsyncDir(dir);
    return bid;
  } finally {
    sink.destroy();
    fs.rmSync(tmp, { force: true });
    ctx.forget(`temp-file:${tmp}`);
  }
}

/** Removes the rebuild's container and work folder (files the server made are its user's: a helper removes those). */
export async function cleanRebuild(stack: Stack, note: RebuildNote): Promise<void> {
  if (note.container) await removeHelper(note.container, stack);
  try {
    fs.rmSync(note.dir, { recursive: true, force: true });
  } catch {
    const service = stack.database?.service;
    if (!service) throw new Error(`cannot remove ${note.dir}`);
    const rel = path.relative(pitrDir(stack), note.dir);
    await runHelperToEnd(stack, service, { role: 'pitr-clean', name: `opsdeck-pitr-clean-${stack.name}-${Date.now()}`, cmd: ['rm', '-rf', '--', `/pitr/${rel}`], binds: [`${pitrDir(stack)}:/pitr`], user: '0:0' });
  }
}

/**
 * Rebuilds the moment `target` from `piece`, previews it and dumps it. Returns the preview and the id
 * of the dump (a backup entry). The throwaway container and its files are removed in every case.
 */
export async function rebuildPoint(stack: Stack, tools: PgTools, piece: Piece, wal: EpochWal, target: Date, ctx: JobContext, opts: { timeoutMs?: number } = {}): Promise<{ preview: PointPreview; backupId: string }> {
  const service = stack.database?.service;
  if (!service) throw new OpsdeckError('config_invalid', say('errors.pitr.noDatabase', { stack: stack.name }));
  const note: RebuildNote = { stack: stack.name, container: null, dir: workDir(stack, ctx.id) };
  ctx.remember('pitr-rebuild', note);
  try {
    ctx.emit({ type: 'step', name: 'pitr.prepare', ...say('steps.pitr.prepare', { base: piece.base.id }) });
    const segments = await prepare(stack, piece, wal, target, note.dir);
    ctx.emit({ type: 'log', text: `${segments} WAL segment(s) checked against their checksums and offered to the rebuild.` });
    ctx.emit({ type: 'step', name: 'pitr.replay', ...say('steps.pitr.replay', { at: target.toISOString() }) });
    note.container = await startIsolatedHelper(stack, service, {
      role: REBUILD_ROLE,
      name: `opsdeck-pitr-rebuild-${stack.name}-${ctx.id}`.slice(0, 120),
      cmd: ['postgres', '-c', 'listen_addresses=', '-c', 'hot_standby=off', '-c', 'max_connections=20'],
      binds: [`${path.join(note.dir, 'data')}:/var/lib/postgresql/data`, `${path.join(note.dir, 'wal')}:/wal:ro`],
    });
    ctx.remember('pitr-rebuild', note);
    const t0 = Date.now();
    await waitPromoted(stack, note.container, tools.conn.user, ctx, opts.timeoutMs ?? 30 * 60_000);
    ctx.emit({ type: 'log', text: `Replayed to ${target.toISOString()} in ${((Date.now() - t0) / 1000).toFixed(1)} s.` });
    ctx.emit({ type: 'step', name: 'pitr.preview', ...say('steps.pitr.preview') });
    const p = await preview(note.container, stack, tools, target);
    for (const t of p.tables) ctx.emit({ type: 'log', text: `${t.name}: ${t.rows} rows${t.newest ? `, newest ${t.newest}` : ''}` });
    ctx.emit({ type: 'step', name: 'pitr.dump', ...say('steps.pitr.dump') });
    const id = await dumpRebuilt(note.container, stack, tools, target, ctx, p);
    return { preview: p, backupId: id };
  } finally {
    await cleanRebuild(stack, note).then(
      () => ctx.emit({ type: 'log', text: 'Removed the throwaway rebuild container and its files.' }),
      (e: Error) => ctx.emit({ type: 'log', level: 'warn', text: `Could not remove the rebuild's leftovers: ${e.message}` }),
    );
    ctx.forget('pitr-rebuild');
  }
}
