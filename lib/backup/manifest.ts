/**
 * A backup is two files side by side: the dump and `<id>.manifest.json`. The manifest is what makes
 * the catalogue: copying the folder to another host brings the list with it. Both are written as a
 * temp file, fsynced, then renamed, so a crash leaves either the old state or the new, never half.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const MANIFEST_FORMAT = 'opsdeck-backup/1';
export const MANIFEST_SUFFIX = '.manifest.json';
export const TEMP_PREFIX = '.tmp-';

export const DUMP_FORMATS = ['custom', 'plain', 'plain-gzip'] as const;
export type DumpFormat = (typeof DUMP_FORMATS)[number];
export const EXTENSION: Record<DumpFormat, string> = { custom: '.dump', plain: '.sql', 'plain-gzip': '.sql.gz' };

export const BACKUP_REASONS = ['manual', 'scheduled', 'pre-restore', 'pre-upgrade', 'imported', 'point-in-time'] as const;
export type BackupReason = (typeof BACKUP_REASONS)[number];

/** Ids are file-name stems Opsdeck generated; anything else from a browser is rejected before any path is built. */
export const BACKUP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/;
export const backupIdSchema = z.string().regex(BACKUP_ID, { error: 'Not a backup id.' }).refine((s) => !s.includes('..'), { error: 'Not a backup id.' });

/** A volume name as compose writes it; also safe inside a file name. */
export const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** One volume of a backup set: `<id>.<volume>.tar.gz` beside the dump. */
export const volumeArchiveSchema = z.object({
  volume: z.string().regex(VOLUME_NAME),
  file: z.string(),
  compression: z.literal('gzip'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  /** Regular files in the volume, their bytes, and the fingerprint of its contents (tar-fingerprint.ts). */
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
export type VolumeArchive = z.infer<typeof volumeArchiveSchema>;
export const volumeArchiveFile = (id: string, volume: string) => `${id}.${volume}.tar.gz`;

const checkSchema = z.object({ ok: z.boolean(), at: z.string(), method: z.string(), detail: z.string().nullable().optional() });

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  id: backupIdSchema,
  file: z.string(),
  dumpFormat: z.enum(DUMP_FORMATS),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  stack: z.string(),
  database: z.string().nullable(),
  postgresVersion: z.string().nullable(),
  schemaVersion: z.string().nullable(),
  appVersion: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  createdBy: z.string().nullable(),
  reason: z.enum(BACKUP_REASONS),
  jobId: z.string().nullable(),
  verified: checkSchema.extend({ entries: z.number().int().nullable().optional() }),
  testRestore: checkSchema.extend({ tables: z.record(z.string(), z.number()).optional() }).nullable(),
  importedFrom: z.string().nullable(),
  // Backup sets (absent on dump-only backups, which stay valid as they are).
  volumes: z.array(volumeArchiveSchema).optional(),
  consistency: z.object({ mode: z.enum(['live', 'pause']), pausedAt: z.string().nullable(), pausedMs: z.number().nullable() }).optional(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export const manifestPath = (dir: string, id: string) => path.join(dir, `${id}${MANIFEST_SUFFIX}`);

/** `demo-20250131-140502-manual`: sortable, readable, unique per second and job. */
export function backupId(stack: string, reason: BackupReason, at: Date, dir: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
  const base = `${stack}-${stamp}-${reason}`;
  let id = base;
  for (let i = 2; fs.existsSync(manifestPath(dir, id)); i++) id = `${base}-${i}`;
  return id;
}

export function fsyncDir(dir: string): void {
  // Makes the rename itself durable; a no-op where directories cannot be opened (not on Linux).
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `content` to `file` atomically: temp file in the same folder, fsync, rename, fsync folder. */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `${TEMP_PREFIX}${path.basename(file)}-${process.pid}`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}

export function writeManifest(dir: string, manifest: BackupManifest): void {
  writeFileAtomic(manifestPath(dir, manifest.id), `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`);
}

/** The manifest at `file`, or null when it is missing, not JSON, or not ours. */
export function readManifest(file: string): BackupManifest | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const parsed = manifestSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
