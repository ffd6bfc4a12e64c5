import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { clearStackCache } from './registry';

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

/**
 * For tests that need a stack config on disk: before each test a fresh tree (filled by `fill`, which
 * writes `opsdeck.yaml` and what it names) is made the config through OPSDECK_CONFIG; after it the
 * environment is put back, the stack cache cleared and the tree removed.
 */
export function withTempStacks(fill: (tree: TempTree) => void): { tree(): TempTree } {
  const saved = { ...process.env };
  let current: TempTree | null = null;
  beforeEach(() => {
    current = tempTree();
    fill(current);
    process.env.OPSDECK_CONFIG = current.path('opsdeck.yaml');
    clearStackCache();
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    clearStackCache();
    current?.cleanup();
    current = null;
  });
  return {
    tree: () => {
      if (!current) throw new Error('withTempStacks: no tree outside a test');
      return current;
    },
  };
}
