/**
 * What an admin sees before confirming a restore: the backup (when, size, made by which app
 * version, schema version) against the running app, and warnings in plain words.
 */
import { serviceContainers } from '@/lib/docker';
import type { Stack } from '@/lib/stacks/types';
import { getBackup, type BackupEntry } from './catalogue';
import { readSchemaVersion } from './databases';
import { sha256File } from './file-sink';
import { pgTools } from '@/lib/postgres/tools';

/** Files up to this size get their checksum checked for the preview; bigger ones at restore time. */
const PREVIEW_HASH_LIMIT = 256 * 1024 * 1024;

export interface RestorePreview {
  id: string;
  finishedAt: string;
  size: number;
  reason: string;
  createdBy: string | null;
  backupSchema: string | null;
  backupApp: string | null;
  liveSchema: string | null;
  liveApp: string | null;
  verified: boolean;
  /** true/false when checked now, null when the file is too big to check here (the job checks it first). */
  checksumOk: boolean | null;
  warnings: string[];
  /** The volumes of a backup set (empty for a dump-only backup), for the "what to restore" choice. */
  volumes: { volume: string; size: number; files: number }[];
  /** How the volumes were read: "live" or "pause". */
  consistency: string | null;
}

/** -1, 0, 1 comparing dotted versions numerically ("0.10" > "0.9"); null when either is not numeric. */
export function compareVersions(a: string, b: string): number | null {
  const pa = a.split('.').map((x) => Number(x));
  const pb = b.split('.').map((x) => Number(x));
  if ([...pa, ...pb].some((n) => !Number.isFinite(n))) return null;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export async function restorePreview(stack: Stack, id: string): Promise<RestorePreview> {
  const entry: BackupEntry = getBackup(stack, id);
  const m = entry.manifest;
  const warnings: string[] = [];

  let liveSchema: string | null = null;
  let liveApp: string | null = null;
  try {
    const tools = pgTools(stack);
    liveSchema = await readSchemaVersion(tools, tools.conn.database, stack.app?.schemaVersionQuery);
  } catch {
    warnings.push('The live database could not be reached to read its schema version.');
  }
  if (stack.app) {
    const [c] = await serviceContainers(stack, stack.app.service).catch(() => []);
    liveApp = c?.image ?? null;
  }

  let checksumOk: boolean | null = null;
  if (entry.problem) {
    checksumOk = false;
    warnings.push(entry.problem);
  } else if (m.size <= PREVIEW_HASH_LIMIT) {
    checksumOk = (await sha256File(entry.dumpPath)) === m.sha256;
    if (!checksumOk) warnings.push('Checksum mismatch: the file has changed since it was written. The restore will be refused.');
  }
  if (!m.verified.ok) warnings.push('This backup is not verified: it may not load.');
  if (m.schemaVersion && liveSchema) {
    const cmp = compareVersions(m.schemaVersion, liveSchema);
    if (cmp === -1) warnings.push(`The backup has an older schema (${m.schemaVersion}) than the running app's database (${liveSchema}). The app may migrate it when it starts, or refuse it; if it does not become healthy, Opsdeck puts the current database back.`);
    if (cmp === 1) warnings.push(`The backup has a newer schema (${m.schemaVersion}) than the running app's database (${liveSchema}). This app version may refuse it; if it does not become healthy, Opsdeck puts the current database back.`);
  } else if (!m.schemaVersion) {
    warnings.push('The schema version of this backup is unknown (imported or made without an app).');
  }
  return {
    id: entry.id, finishedAt: m.finishedAt, size: m.size, reason: m.reason, createdBy: m.createdBy,
    backupSchema: m.schemaVersion, backupApp: m.appVersion, liveSchema, liveApp, verified: m.verified.ok, checksumOk, warnings,
    volumes: (m.volumes ?? []).map((v) => ({ volume: v.volume, size: v.size, files: v.files })), consistency: m.consistency?.mode ?? null,
  };
}
