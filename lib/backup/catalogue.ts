/**
 * The list of a stack's backups, rebuilt from its backup folder every time: the manifests are the
 * truth, so a folder copied from another host lists the same. Dumps without a manifest (the old
 * script's `memos-backup-*.sql.gz`, a file copied in by hand) are listed apart, to be imported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OpsdeckError } from '@/lib/errors';
import type { Stack } from '@/lib/stacks/types';
import { say } from '@/lib/i18n/server-text';
import {
  BACKUP_ID, EXTENSION, MANIFEST_SUFFIX, TEMP_PREFIX, VOLUME_NAME, backupIdSchema, manifestPath, readManifest, volumeArchiveFile, type BackupManifest,
} from './manifest';

export interface BackupEntry {
  id: string;
  manifest: BackupManifest;
  /** Absolute path of the dump, derived from the id (never from the manifest's text). */
  dumpPath: string;
  fileName: string;
  /** Set when the dump is missing or its size differs from the manifest: restore is refused. */
  problem: string | null;
}

export interface LooseFile {
  name: string;
  size: number;
  modifiedAt: string;
}

const LOOSE = /\.(dump|backup|sql|sql\.gz)$/i;

function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function backupDir(stack: Stack): string {
  ensureDir(stack.backupDir);
  return stack.backupDir;
}

/** Path of a set's volume archive, from the id and the (validated) volume name, never the manifest's text. */
export function volumePath(dir: string, id: string, volume: string): string {
  if (!VOLUME_NAME.test(volume)) throw new OpsdeckError('invalid_input', say('errors.backup.notAVolume', { volume }));
  return path.join(dir, volumeArchiveFile(id, volume));
}

/**
 * Every file of a backup, for copying it elsewhere (offsite) or deleting it: the dump, each volume
 * archive of a set, and the manifest last (it is what makes the others a backup).
 */
export function backupFiles(entry: BackupEntry): { kind: 'dump' | 'volume' | 'manifest'; path: string; name: string; size: number | null; sha256: string | null }[] {
  const dir = path.dirname(entry.dumpPath);
  return [
    { kind: 'dump' as const, path: entry.dumpPath, name: entry.fileName, size: entry.manifest.size, sha256: entry.manifest.sha256 },
    ...(entry.manifest.volumes ?? []).map((v) => ({ kind: 'volume' as const, path: volumePath(dir, entry.id, v.volume), name: volumeArchiveFile(entry.id, v.volume), size: v.size, sha256: v.sha256 })),
    { kind: 'manifest' as const, path: manifestPath(dir, entry.id), name: `${entry.id}${MANIFEST_SUFFIX}`, size: null, sha256: null },
  ];
}

function entryFor(dir: string, manifest: BackupManifest): BackupEntry {
  const fileName = `${manifest.id}${EXTENSION[manifest.dumpFormat]}`;
  const dumpPath = path.join(dir, fileName);
  let problem: string | null = null;
  try {
    const st = fs.statSync(dumpPath);
    if (st.size !== manifest.size) problem = `The file is ${st.size} bytes but was ${manifest.size} bytes when written: it has been changed or cut short.`;
  } catch {
    problem = 'The dump file is missing from the backup folder.';
  }
  for (const v of manifest.volumes ?? []) {
    if (problem) break;
    const file = volumePath(dir, manifest.id, v.volume);
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) problem = `The archive of volume ${v.volume} is missing from the backup folder.`;
    else if (size !== v.size) problem = `The archive of volume ${v.volume} is ${size} bytes but was ${v.size} bytes when written: it has been changed or cut short.`;
  }
  return { id: manifest.id, manifest, dumpPath, fileName, problem };
}

/** Every backup with a valid manifest, newest first. */
export function listBackups(stack: Stack): BackupEntry[] {
  const dir = backupDir(stack);
  const entries: BackupEntry[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(MANIFEST_SUFFIX) || name.startsWith(TEMP_PREFIX)) continue;
    const id = name.slice(0, -MANIFEST_SUFFIX.length);
    if (!BACKUP_ID.test(id)) continue;
    const manifest = readManifest(path.join(dir, name));
    // A manifest renamed by hand (id inside differs from its file name) is not trusted.
    if (!manifest || manifest.id !== id) continue;
    const entry = entryFor(dir, manifest);
    // A manifest whose dump never arrived (crash between the two renames) is not a backup.
    if (entry.problem && !fs.existsSync(entry.dumpPath)) continue;
    entries.push(entry);
  }
  return entries.sort((a, b) => b.manifest.finishedAt.localeCompare(a.manifest.finishedAt) || b.id.localeCompare(a.id));
}

/** One backup by id; the id is validated before it is used in a path. */
export function getBackup(stack: Stack, id: string): BackupEntry {
  const parsed = backupIdSchema.safeParse(id);
  if (!parsed.success) throw new OpsdeckError('invalid_input', say('errors.backup.badId'));
  const dir = backupDir(stack);
  const manifest = readManifest(manifestPath(dir, parsed.data));
  if (!manifest || manifest.id !== parsed.data || !fs.existsSync(path.join(dir, `${manifest.id}${EXTENSION[manifest.dumpFormat]}`))) {
    throw new OpsdeckError('not_found', say('errors.backup.notInFolder', { id: parsed.data, stack: stack.name }));
  }
  return entryFor(dir, manifest);
}

/** Dump-looking files with no manifest: candidates for "import". */
export function looseFiles(stack: Stack): LooseFile[] {
  const dir = backupDir(stack);
  const known = new Set(listBackups(stack).map((e) => e.fileName));
  const out: LooseFile[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!d.isFile() || d.name.startsWith(TEMP_PREFIX) || !LOOSE.test(d.name) || known.has(d.name)) continue;
    const st = fs.statSync(path.join(dir, d.name));
    out.push({ name: d.name, size: st.size, modifiedAt: st.mtime.toISOString() });
  }
  return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
}

/** Removes the dump, its volume archives and its manifest (manifest first: a half-deleted backup is then simply not listed). */
export function deleteBackupFiles(stack: Stack, id: string): BackupEntry {
  const entry = getBackup(stack, id);
  const files = backupFiles(entry);
  fs.rmSync(manifestPath(path.dirname(entry.dumpPath), entry.id), { force: true });
  for (const f of files) fs.rmSync(f.path, { force: true });
  return entry;
}

/** Deletes leftovers of interrupted writes (`.tmp-*`). Only call when no job of the stack runs. */
export function removeTempFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    fs.rmSync(path.join(dir, name), { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}
