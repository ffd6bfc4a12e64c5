/**
 * Every version of a config file Opsdeck wrote, kept so any edit can be undone: a metadata file
 * per version and each content once, by its sha256, owner-only in the data dir (they hold
 * secrets). The writes themselves happen under SQLite's write lock, so two admins saving at once
 * (in one process or several sharing the data dir) are serialised and the second sees the first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataDirPath } from '@/lib/data-dir';
import { OpsdeckError } from '@/lib/errors';
import { getDb } from '@/lib/store/db';
import type { Stack } from '@/lib/stacks/types';
import { readConfigFile, sha256, writeFileAtomic, type ConfigKind } from './files';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export type VersionReason = 'edit' | 'undo' | 'restore' | 'rollback' | 'ai-settings';

export interface ConfigVersion {
  seq: number;
  kind: ConfigKind;
  file: string;
  /** sha256 of the file before and after this write. */
  before: string;
  after: string;
  by: string;
  at: string;
  reason: VersionReason;
  /** What changed, in words that carry no value (keys, line counts). */
  summary: string;
  /** The summary as keyed text (versions written before keys have only `summary`). */
  said?: Said;
  /** Set when an apply job brought the containers to this version (or a rollback back to it). */
  applied?: { at: string; job: string };
}

function dirOf(stack: Stack, kind: ConfigKind): string {
  return path.join(dataDirPath(), 'stacks', stack.name, 'config-history', kind);
}

function ensureDir(dir: string): void {
  fs.mkdirSync(path.join(dir, 'blobs'), { recursive: true, mode: 0o700 });
}

const metaName = (seq: number) => `v${String(seq).padStart(8, '0')}.json`;

function storeBlob(dir: string, text: string): string {
  const sha = sha256(text);
  const file = path.join(dir, 'blobs', sha);
  if (!fs.existsSync(file)) writeFileAtomic(file, text);
  return sha;
}

export function versionText(stack: Stack, kind: ConfigKind, sha: string): string | null {
  if (!/^[0-9a-f]{64}$/.test(sha)) return null;
  try {
    const text = fs.readFileSync(path.join(dirOf(stack, kind), 'blobs', sha), 'utf8');
    return sha256(text) === sha ? text : null;
  } catch {
    return null;
  }
}

/** Newest first. */
export function listVersions(stack: Stack, kind: ConfigKind, limit = 50): ConfigVersion[] {
  const dir = dirOf(stack, kind);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /^v\d{8}\.json$/.test(n));
  } catch {
    return [];
  }
  return names.sort().reverse().slice(0, limit).map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as ConfigVersion);
}

export interface WriteRequest {
  kind: ConfigKind;
  /** The sha256 of the version the edit started from; the write is refused if the file moved on. */
  baseSha: string;
  text: string;
  by: string;
  reason: VersionReason;
  summary: string | Said;
}

/** Who wrote the file last, for the conflict message. */
function lastWriter(stack: Stack, kind: ConfigKind, sha: string): Said {
  const v = listVersions(stack, kind, 20).find((x) => x.after === sha);
  return v ? say('errors.config.newerBy', { user: v.by, at: v.at.replace('T', ' ').slice(0, 19) }) : say('errors.config.changedOutside');
}

/**
 * Compare-and-swap of a config file: under the store's write lock, the file must still be the
 * version the edit started from; then both versions are kept, the file replaced atomically and the
 * version recorded. A stale base is a conflict naming who saved in between, and nothing is written.
 */
export function writeVersion(stack: Stack, req: WriteRequest): ConfigVersion {
  const dir = dirOf(stack, req.kind);
  ensureDir(dir);
  const write = getDb().transaction((): ConfigVersion => {
    const current = readConfigFile(stack, req.kind);
    if (current.sha !== req.baseSha) {
      throw new OpsdeckError('conflict', say('errors.config.notSavedStale', { who: lastWriter(stack, req.kind, current.sha) }));
    }
    if (sha256(req.text) === current.sha) throw new OpsdeckError('invalid_input', say('errors.config.nothingToSave'));
    storeBlob(dir, current.text);
    storeBlob(dir, req.text);
    const after = writeFileAtomic(current.path, req.text);
    const last = listVersions(stack, req.kind, 1)[0];
    const version: ConfigVersion = {
      seq: (last?.seq ?? 0) + 1, kind: req.kind, file: current.path, before: current.sha, after, by: req.by,
      at: new Date().toISOString(), reason: req.reason,
      ...(typeof req.summary === 'string' ? { summary: req.summary } : { summary: req.summary.text, said: req.summary }),
    };
    writeFileAtomic(path.join(dir, metaName(version.seq)), JSON.stringify(version));
    return version;
  });
  // IMMEDIATE: the write lock is taken before the file is read, so the check and the write are one step.
  return write.immediate();
}

export function markApplied(stack: Stack, kind: ConfigKind, sha: string, job: string): void {
  const v = listVersions(stack, kind).find((x) => x.after === sha);
  if (!v) return;
  writeFileAtomic(path.join(dirOf(stack, kind), metaName(v.seq)), JSON.stringify({ ...v, applied: { at: new Date().toISOString(), job } }));
}

/**
 * What the containers were last brought to: the newest applied version, or else the file as it was
 * before Opsdeck's first edit. An apply that fails rolls back to this.
 */
export function appliedBaseline(stack: Stack, kind: ConfigKind): { sha: string; text: string } | null {
  const all = listVersions(stack, kind, 1000);
  const applied = all.find((v) => v.applied);
  const sha = applied ? applied.after : all.at(-1)?.before;
  if (!sha) return null;
  const text = versionText(stack, kind, sha);
  return text === null ? null : { sha, text };
}
