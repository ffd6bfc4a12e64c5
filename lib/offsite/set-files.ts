/**
 * The files that make one backup set, as the catalogue knows them: the dump and its manifest
 * today. Volume archives (listed by the set's manifest) are added here, and nowhere else, when
 * the catalogue lists them: upload, verification and restore all go through this list.
 */
import path from 'node:path';
import type { BackupEntry } from '@/lib/backup/catalogue';
import { MANIFEST_SUFFIX } from '@/lib/backup/manifest';

export interface SetFile {
  name: string;
  path: string;
}

export function setFiles(entry: BackupEntry): { files: SetFile[]; manifest: SetFile } {
  const dir = path.dirname(entry.dumpPath);
  const manifestName = `${entry.id}${MANIFEST_SUFFIX}`;
  const manifest = { name: manifestName, path: path.join(dir, manifestName) };
  const extra = (entry as BackupEntry & { files?: readonly { path: string }[] }).files ?? [];
  const data = [{ name: entry.fileName, path: entry.dumpPath }, ...extra.filter((f) => f.path !== entry.dumpPath).map((f) => ({ name: path.basename(f.path), path: f.path }))];
  return { files: [...data, manifest], manifest };
}
