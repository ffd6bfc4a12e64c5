/**
 * The list of a stack's backups, rebuilt from its backup folder every time: the manifests are the
 * truth, so a folder copied from another host lists the same. Dumps without a manifest (the old
 * script's `memos-backup-*.sql.gz`, a file copied in by hand) are listed apart, to be imported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OpsdeckError } from '@/lib/errors';
import type { Stack } from '@/lib/stacks/types';
import { BACKUP_ID, EXTENSION, MANIFEST_SUFFIX, TEMP_PREFIX, backupIdSchema, manifestPath, readManifest, type BackupManifest } from './manifest';

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
  if (!parsed.success) throw new OpsdeckError('invalid_input', 'That is not a valid backup id.');
  const dir = backupDir(stack);
  const manifest = readManifest(manifestPath(dir, parsed.data));
  if (!manifest || manifest.id !== parsed.data || !fs.existsSync(path.join(dir, `${manifest.id}${EXTENSION[manifest.dumpFormat]}`))) {
    throw new OpsdeckError('not_found', `Backup "${parsed.data}" is not in the backup folder of stack ${stack.name} (any more).`);
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

/** Removes the dump and its manifest (manifest first: a half-deleted backup is then simply not listed). */
export function deleteBackupFiles(stack: Stack, id: string): BackupEntry {
  const entry = getBackup(stack, id);
  fs.rmSync(manifestPath(path.dirname(entry.dumpPath), entry.id), { force: true });
  fs.rmSync(entry.dumpPath, { force: true });
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
