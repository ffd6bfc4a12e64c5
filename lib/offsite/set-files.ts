/**
 * The files that make one backup set, as the catalogue lists them (lib/backup backupFiles): the
 * dump, each volume archive and the manifest. Upload, verification and restore all go through
 * this list, so a set with volumes travels whole.
 */
import { backupFiles, type BackupEntry } from '@/lib/backup/catalogue';

export interface SetFile {
  name: string;
  path: string;
}

export function setFiles(entry: BackupEntry): { files: SetFile[]; manifest: SetFile } {
  const all = backupFiles(entry).map((f) => ({ kind: f.kind, name: f.name, path: f.path }));
  const m = all.find((f) => f.kind === 'manifest')!;
  const manifest = { name: m.name, path: m.path };
  return { files: [...all.filter((f) => f.kind !== 'manifest').map(({ name, path }) => ({ name, path })), manifest], manifest };
}
