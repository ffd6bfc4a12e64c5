import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { OpsdeckError } from '@/lib/errors';
import { loadStacks, locateConfig } from './load-config';
import type { Stack } from './types';
import { say } from '@/lib/i18n/server-text';

/**
 * Process-wide view of the configured stacks. Every request asks for them, so they are cached;
 * the cache is keyed on the files they were built from (config, env files, compose files), so an
 * operator's edit shows up on the next request without restarting Opsdeck.
 */

interface Cached {
  key: string;
  files: { path: string; stamp: string }[];
  stacks?: Stack[];
  error?: unknown;
}

let cache: Cached | null = null;

/**
 * mtime and size, plus a content hash for small files: Linux stamps files from a coarse clock, so
 * a same-length edit right after a load (a script running `sed -i` twice) keeps the same mtime.
 * Config and env files are a few KB; hashing them per call costs about as much as the stat.
 * Missing files stamp as "-", so their appearance triggers a reload.
 */
function stampOf(file: string): string {
  try {
    const st = statSync(file);
    const base = `${st.mtimeMs}:${st.size}`;
    if (!st.isFile() || st.size > 256 * 1024) return base;
    return `${base}:${createHash('sha1').update(readFileSync(file)).digest('hex')}`;
  } catch {
    return '-';
  }
}

/** Everything outside the files that changes what loadStacks returns. */
function contextKey(): string {
  const env = process.env;
  const loc = locateConfig();
  return JSON.stringify([process.cwd(), loc.path, env.OPSDECK_DATA_DIR, env.OPSDECK_DEMO_ENV_FILE, env.OPSDECK_DEMO_PROJECT]);
}

function watchedFiles(configPath: string | null, stacks: readonly Stack[] | undefined): string[] {
  const files = new Set<string>();
  if (configPath) files.add(configPath);
  for (const s of stacks ?? []) {
    if (s.envFile) files.add(s.envFile);
    for (const f of s.composeFiles) files.add(f);
  }
  return [...files];
}

function fresh(c: Cached, key: string): boolean {
  return c.key === key && c.files.every((f) => stampOf(f.path) === f.stamp);
}

function load(): Cached {
  const key = contextKey();
  const configPath = locateConfig().path;
  // Stamp before reading, so an edit racing the read triggers another load instead of being lost.
  const stampsBefore = new Map(watchedFiles(configPath, undefined).map((f) => [f, stampOf(f)]));
  try {
    const stacks = loadStacks();
    const files = watchedFiles(configPath, stacks).map((path) => ({ path, stamp: stampsBefore.get(path) ?? stampOf(path) }));
    return { key, files, stacks };
  } catch (error) {
    // Invalid config is cached too: re-parsing a broken file on every request would only repeat the same error.
    return { key, files: [...stampsBefore].map(([path, stamp]) => ({ path, stamp })), error };
  }
}

/** All configured stacks. Throws the ConfigError of an invalid config. */
export function listStacks(): Stack[] {
  const key = contextKey();
  if (!cache || !fresh(cache, key)) cache = load();
  if (cache.error) throw cache.error;
  return cache.stacks ?? [];
}

export function getStack(name: string): Stack {
  const stack = listStacks().find((s) => s.name === name);
  if (!stack) {
    const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    throw new OpsdeckError('not_found', say('errors.noStack', { name: shown }));
  }
  return stack;
}

/** Where the stacks come from, for the UI ("from /etc/opsdeck.yaml" or "built-in demo"). */
export function configSource(): { path: string | null; demo: boolean } {
  const { path, demo } = locateConfig();
  return { path, demo };
}

/** Forgets the cached stacks; for tests that change the environment between cases. */
export function clearStackCache(): void {
  cache = null;
}
