import { getDb } from '@/lib/store';

/** A Swarm task and the image it ran when the upgrade or rollback ended. */
export interface TaskImage {
  slot: number | null;
  node: string;
  image: string;
  state: string;
}

export type UpgradeResult = 'running' | 'succeeded' | 'rolled-back' | 'failed';

export interface UpgradeRecord {
  jobId: string;
  stack: string;
  kind: 'upgrade' | 'rollback';
  service: string;
  fromRef: string;
  fromImageId: string;
  fromVersion: string | null;
  toRef: string;
  toImageId: string | null;
  toVersion: string | null;
  /** repo@sha256:… of the target image, when it came from a registry. */
  toDigest: string | null;
  schemaBefore: string | null;
  schemaAfter: string | null;
  backupId: string | null;
  migrations: string[];
  result: UpgradeResult;
  detail: string | null;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Swarm: the app's tasks and their images at the end; null on compose. */
  tasks: TaskImage[] | null;
}

interface Row {
  job_id: string; stack: string; kind: 'upgrade' | 'rollback'; service: string; from_ref: string; from_image_id: string;
  from_version: string | null; to_ref: string; to_image_id: string | null; to_version: string | null; to_digest: string | null;
  schema_before: string | null; schema_after: string | null; backup_id: string | null; migrations: string | null;
  result: UpgradeResult; detail: string | null; started_by: string | null; started_at: string; finished_at: string | null;
  tasks: string | null;
}

const toRecord = (r: Row): UpgradeRecord => ({
  jobId: r.job_id, stack: r.stack, kind: r.kind, service: r.service, fromRef: r.from_ref, fromImageId: r.from_image_id,
  fromVersion: r.from_version, toRef: r.to_ref, toImageId: r.to_image_id, toVersion: r.to_version, toDigest: r.to_digest ?? null,
  schemaBefore: r.schema_before, schemaAfter: r.schema_after, backupId: r.backup_id,
  migrations: r.migrations ? (JSON.parse(r.migrations) as string[]) : [], result: r.result, detail: r.detail,
  startedBy: r.started_by, startedAt: r.started_at, finishedAt: r.finished_at, tasks: r.tasks ? (JSON.parse(r.tasks) as TaskImage[]) : null,
});

export function insertUpgrade(r: Omit<UpgradeRecord, 'result' | 'finishedAt' | 'detail' | 'schemaAfter' | 'migrations' | 'toDigest' | 'tasks'>): void {
  getDb()
    .prepare(
      `INSERT INTO upgrades (job_id, stack, kind, service, from_ref, from_image_id, from_version, to_ref, to_image_id, to_version,
        schema_before, backup_id, result, started_by, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
    )
    .run(r.jobId, r.stack, r.kind, r.service, r.fromRef, r.fromImageId, r.fromVersion, r.toRef, r.toImageId, r.toVersion, r.schemaBefore, r.backupId, r.startedBy, r.startedAt);
}

export function updateUpgrade(jobId: string, patch: { backupId?: string; migrations?: string[]; toImageId?: string; toVersion?: string | null; toDigest?: string | null; tasks?: TaskImage[] }): void {
  const db = getDb();
  if (patch.backupId !== undefined) db.prepare('UPDATE upgrades SET backup_id = ? WHERE job_id = ?').run(patch.backupId, jobId);
  if (patch.migrations !== undefined) db.prepare('UPDATE upgrades SET migrations = ? WHERE job_id = ?').run(JSON.stringify(patch.migrations), jobId);
  if (patch.toImageId !== undefined) db.prepare('UPDATE upgrades SET to_image_id = ?, to_version = ? WHERE job_id = ?').run(patch.toImageId, patch.toVersion ?? null, jobId);
  if (patch.toDigest !== undefined) db.prepare('UPDATE upgrades SET to_digest = ? WHERE job_id = ?').run(patch.toDigest, jobId);
  if (patch.tasks !== undefined) db.prepare('UPDATE upgrades SET tasks = ? WHERE job_id = ?').run(JSON.stringify(patch.tasks), jobId);
}

export function finishUpgrade(jobId: string, result: Exclude<UpgradeResult, 'running'>, detail: string | null, schemaAfter: string | null): void {
  getDb()
    .prepare('UPDATE upgrades SET result = ?, detail = ?, schema_after = ?, finished_at = ? WHERE job_id = ?')
    .run(result, detail, schemaAfter, new Date().toISOString(), jobId);
}

export function upgradeHistory(stack: string, limit = 50): UpgradeRecord[] {
  return (getDb().prepare('SELECT * FROM upgrades WHERE stack = ? ORDER BY started_at DESC, job_id DESC LIMIT ?').all(stack, limit) as Row[]).map(toRecord);
}

/**
 * The last upgrade that succeeded and has not been rolled back since: what "Roll back" undoes. A
 * rollback that failed left the upgrade in place (it puts the upgraded image back), so it does not
 * hide the upgrade; the rollback's own checks compare the service with it before anything changes.
 */
export function lastSuccessfulUpgrade(stack: string): UpgradeRecord | null {
  const recent = upgradeHistory(stack, 20);
  if (recent[0]?.result === 'running') return null;
  const latest = recent.find((u) => !(u.kind === 'rollback' && u.result === 'failed'));
  return latest && latest.kind === 'upgrade' && latest.result === 'succeeded' ? latest : null;
}
