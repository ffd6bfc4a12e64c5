/**
 * Bringing existing dumps into the catalogue: an uploaded file, or every dump in a folder (the old
 * script's `memos-backup-*.sql.gz`, or another Opsdeck's backup folder with its manifests). Each is
 * copied (or moved, when already in the backup folder) under a new id, hashed, verified, and given
 * a manifest. A file that does not verify is not imported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { backupDir, listBackups, type BackupEntry, getBackup } from './catalogue';
import { detectFormat, verifyDump } from './dump-io';
import { formatBytes } from './failure';
import { HashingFileSink, sha256File } from './file-sink';
import { EXTENSION, MANIFEST_SUFFIX, TEMP_PREFIX, backupId, fsyncDir, readManifest, writeManifest, type BackupManifest } from './manifest';
import { pgTools } from '@/lib/postgres/tools';
import { say } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';

const LOOSE = /\.(dump|backup|sql|sql\.gz)$/i;

/** A name for display only: no directories, no control characters. */
export const displayName = (name: string) => path.basename(name.replace(/\\/g, '/')).replace(/[^\w.+-]/g, '_').slice(0, 120) || 'upload';

/** "memos-backup-20240131-020000.sql.gz" → that time (UTC), else null. */
function timeFromName(name: string): string | null {
  const m = /(\d{4})(\d{2})(\d{2})-?(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

async function copyHashing(source: string, target: string, ctx: JobContext): Promise<{ sha256: string; size: number }> {
  const phase = keyedPhase(say('progress.copyingIn'));
  const sink = new HashingFileSink(target, (n) => ctx.emit({ type: 'progress', ...phase, bytes: n }));
  await pipeline(fs.createReadStream(source, { highWaterMark: 1024 * 1024 }), sink);
  return { sha256: sink.digest(), size: sink.bytes };
}

/**
 * Adopts one dump file. `move` renames instead of copying (for files already in the backup folder,
 * uploads included). Returns the new entry, or the existing one when the same bytes are already listed.
 */
export async function adoptDumpFile(stack: Stack, source: string, opts: { originalName: string; move: boolean }, ctx: JobContext): Promise<BackupEntry> {
  const dir = backupDir(stack);
  const format = detectFormat(source);
  const shown = displayName(opts.originalName);
  const started = new Date();
  const id = backupId(stack.name, 'imported', started, dir);
  const tmp = path.join(dir, `${TEMP_PREFIX}${id}${EXTENSION[format]}`);
  // If Opsdeck dies mid-way: a copy is deleted, a moved file is moved back.
  const noteKey = opts.move ? `move-back:${tmp}` : `temp-file:${tmp}`;
  ctx.remember(noteKey, opts.move ? { from: tmp, to: source } : tmp);
  try {
    let sha256: string;
    let size: number;
    if (opts.move) {
      fs.renameSync(source, tmp);
      size = fs.statSync(tmp).size;
      const phase = keyedPhase(say('progress.checksum'));
      sha256 = await sha256File(tmp, (n) => ctx.emit({ type: 'progress', ...phase, bytes: n, totalBytes: size }), ctx.signal);
    } else {
      ({ sha256, size } = await copyHashing(source, tmp, ctx));
    }
    const same = listBackups(stack).find((e) => e.manifest.sha256 === sha256);
    if (same) {
      ctx.emit({ type: 'log', ...say('log.backup.alreadyImported', { file: shown, id: same.id }) });
      return same;
    }
    const kind = format === 'custom' ? say('log.backup.format.custom') : format === 'plain-gzip' ? say('log.backup.format.plainGzip') : say('log.backup.format.plain');
    ctx.emit({ type: 'log', ...say('log.backup.importFormat', { file: shown, format: kind, size: formatBytes(size) }) });
    ctx.emit({ type: 'step', name: 'import.verify', ...say('steps.import.verify', { file: shown }) });
    const check = await verifyDump(pgTools(stack), tmp, format, ctx.signal, { full: true });
    if (!check.ok) throw new OpsdeckError('invalid_input', say('errors.backup.notUsable', { file: shown, why: String(check.detail) }), { detail: check.detail ?? undefined });
    const at = new Date().toISOString();
    const made = timeFromName(shown) ?? fs.statSync(tmp).mtime.toISOString();
    const manifest: BackupManifest = {
      format: 'opsdeck-backup/1', id, file: `${id}${EXTENSION[format]}`, dumpFormat: format, sha256, size, stack: stack.name, database: null,
      postgresVersion: null, schemaVersion: null, appVersion: null, startedAt: made, finishedAt: made, durationMs: 0, createdBy: ctx.user,
      reason: 'imported', jobId: ctx.id, verified: { ok: true, at, method: check.method, entries: check.entries, detail: null }, testRestore: null,
      importedFrom: shown,
    };
    writeManifest(dir, manifest);
    fs.renameSync(tmp, path.join(dir, manifest.file));
    fsyncDir(dir);
    ctx.emit({ type: 'log', ...say('log.backup.imported', { file: shown, id, method: check.method }) });
    return getBackup(stack, id);
  } finally {
    if (fs.existsSync(tmp)) {
      // Not imported: a moved file goes back where it was (the operator's file is never lost).
      if (opts.move) fs.renameSync(tmp, source);
      else fs.rmSync(tmp, { force: true });
    }
    ctx.forget(noteKey);
  }
}

/** Copies a backup written by another Opsdeck (dump + manifest), checking its checksum. */
async function copyManaged(stack: Stack, srcDir: string, manifest: BackupManifest, ctx: JobContext): Promise<BackupEntry | null> {
  const dir = backupDir(stack);
  const file = `${manifest.id}${EXTENSION[manifest.dumpFormat]}`;
  if (listBackups(stack).some((e) => e.manifest.sha256 === manifest.sha256)) return null;
  const tmp = path.join(dir, `${TEMP_PREFIX}${file}`);
  ctx.remember(`temp-file:${tmp}`, tmp);
  try {
    const { sha256 } = await copyHashing(path.join(srcDir, file), tmp, ctx);
    if (sha256 !== manifest.sha256) throw new OpsdeckError('conflict', say('errors.backup.manifestMismatch', { file }));
    const id = fs.existsSync(path.join(dir, `${manifest.id}${MANIFEST_SUFFIX}`)) ? backupId(stack.name, manifest.reason, new Date(manifest.finishedAt), dir) : manifest.id;
    const copy = { ...manifest, id, file: `${id}${EXTENSION[manifest.dumpFormat]}` };
    writeManifest(dir, copy);
    fs.renameSync(tmp, path.join(dir, copy.file));
    fsyncDir(dir);
    return getBackup(stack, id);
  } finally {
    fs.rmSync(tmp, { force: true });
    ctx.forget(`temp-file:${tmp}`);
  }
}

/** Imports every backup found directly in `source` (not recursive). Returns imported ids and problems. */
export async function importDirectory(stack: Stack, source: string, ctx: JobContext): Promise<{ imported: string[]; failed: string[] }> {
  const abs = path.resolve(source);
  let names: string[];
  try {
    if (!fs.statSync(abs).isDirectory()) throw new Error('not a directory');
    names = fs.readdirSync(abs);
  } catch {
    throw new OpsdeckError('invalid_input', say('errors.backup.notAFolder', { dir: abs }));
  }
  const inPlace = path.resolve(backupDir(stack)) === abs;
  const imported: string[] = [];
  const failed: string[] = [];
  const managed = new Set<string>();
  for (const name of names.filter((n) => n.endsWith(MANIFEST_SUFFIX) && !n.startsWith(TEMP_PREFIX))) {
    const m = readManifest(path.join(abs, name));
    if (!m) continue;
    managed.add(`${m.id}${EXTENSION[m.dumpFormat]}`);
    if (inPlace) continue; // Already listed.
    try {
      const entry = await copyManaged(stack, abs, m, ctx);
      if (entry) imported.push(entry.id);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
  }
  for (const name of names.filter((n) => LOOSE.test(n) && !n.startsWith(TEMP_PREFIX) && !managed.has(n))) {
    const file = path.join(abs, name);
    if (!fs.statSync(file).isFile()) continue;
    try {
      const before = new Set(listBackups(stack).map((e) => e.id));
      const entry = await adoptDumpFile(stack, file, { originalName: name, move: inPlace }, ctx);
      if (!before.has(entry.id)) imported.push(entry.id);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
      ctx.emit({ type: 'log', level: 'warn', ...say('log.backup.fileFailed', { file: name, error: (e as Error).message }) });
    }
  }
  return { imported, failed };
}
