import fs from 'node:fs';
import path from 'node:path';

type EnvLike = Readonly<Record<string, string | undefined>>;

/** Where Opsdeck keeps its own state (SQLite store, auth secret, backups by default). One rule for all. */
export function dataDirPath(env: EnvLike = process.env, cwd: string = process.cwd()): string {
  // turbopackIgnore: the directory is chosen at run time, not a build input to trace.
  return path.resolve(/*turbopackIgnore: true*/ cwd, env.OPSDECK_DATA_DIR?.trim() || '.data');
}

/** The data directory, created (owner-only) when missing. */
export function dataDir(): string {
  const dir = dataDirPath();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
