import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A throwaway directory of real files: config tests exercise the filesystem checks, not mocks of them. */
export interface TempTree {
  dir: string;
  /** Writes `content` at `rel` (creating parent directories) and returns the absolute path. */
  write(rel: string, content?: string): string;
  path(rel: string): string;
  cleanup(): void;
}

export function tempTree(prefix = 'opsdeck-stacks-'): TempTree {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(rel, content = '') {
      const abs = path.join(dir, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      return abs;
    },
    path: (rel) => path.join(dir, rel),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const COMPOSE_YAML = 'services:\n  postgres:\n    image: postgres:16\n  memos:\n    image: memos:latest\n';
