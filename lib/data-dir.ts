import fs from 'node:fs';
import path from 'node:path';

/** Where Opsdeck keeps its own state (SQLite store, auth secret, backups by default). */
export function dataDir(): string {
  const dir = path.resolve(process.env.OPSDECK_DATA_DIR || '.data');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
