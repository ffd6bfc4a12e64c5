/**
 * Jobs in Opsdeck's SQLite store. The per-stack lock is a partial unique index (one row with
 * status 'running' per stack), so it holds across requests, workers and processes sharing the file.
 */
import { OpsdeckError } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { getDb } from '@/lib/store/db';
import type { Job, JobEvent, JobHolder, JobProgress, JobStatus, LogLevel, SaidKey } from './types';
import { ownerInfo } from './owner';

interface JobRow {
  id: string;
  stack: string;
  kind: string;
  title: string | null;
  target: string | null;
  status: JobStatus;
  started_by: string | null;
  started_at: string;
  finished_at: string | null;
  summary: string | null;
  error_detail: string | null;
  progress: string | null;
  title_said: string | null;
  summary_said: string | null;
}

export interface OwnedJobRow extends JobRow {
  owner_host: string | null;
  owner_pid: number | null;
  owner_instance: string | null;
  heartbeat_at: string | null;
}

const COLUMNS = 'id, stack, kind, title, target, status, started_by, started_at, finished_at, summary, error_detail, progress, title_said, summary_said';

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** A stored { key, params }, or null when absent or not keyed text. */
function parseSaid(text: string | null): SaidKey | null {
  const v = parseJson<SaidKey>(text);
  return v && typeof v.key === 'string' ? v : null;
}

/** Keyed text to store: its key and parameters; plain text has none. */
function saidColumn(v: string | Said | null): string | null {
  return v !== null && typeof v === 'object' ? JSON.stringify({ key: v.key, ...(v.params ? { params: v.params } : {}) }) : null;
}

const textOf = (v: string | Said): string => (typeof v === 'string' ? v : v.text);

const toJob = (r: JobRow): Job => ({
  id: r.id,
  stack: r.stack,
  kind: r.kind,
  title: r.title ?? r.kind,
  titleSaid: r.title === null ? null : parseSaid(r.title_said),
  target: r.target,
  status: r.status,
  startedBy: r.started_by,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  summary: r.summary,
  summarySaid: r.summary === null ? null : parseSaid(r.summary_said),
  errorDetail: r.error_detail,
  progress: parseJson<JobProgress>(r.progress),
});

export function busyMessage(stack: string, holder: JobHolder): Said {
  const who = holder.startedBy ?? say('errors.theScheduler');
  return say('errors.busy', { stack, kind: holder.kind, id: holder.id, who, at: holder.startedAt });
}

export function runningJob(stack: string): Job | null {
  const row = getDb().prepare(`SELECT ${COLUMNS} FROM jobs WHERE stack = ? AND status = 'running'`).get(stack) as JobRow | undefined;
  return row ? toJob(row) : null;
}

export interface NewJob {
  stack: string;
  kind: string;
  /** Keyed (`say('jobs.title.…', …)`) so each reader sees it in their language; the English is stored too. */
  title: string | Said;
  target?: string | null;
  startedBy: string | null;
}

/**
 * Inserts a running job, which takes the stack's lock; throws `conflict` naming the holder when the
 * stack already has one. Ids are increasing numbers ("#12" reads well in a busy message).
 */
export function insertRunningJob(input: NewJob): Job {
  const db = getDb();
  const owner = ownerInfo();
  const create = db.transaction((): Job | JobHolder => {
    const holder = runningJob(input.stack);
    if (holder) return { id: holder.id, kind: holder.kind, startedBy: holder.startedBy, startedAt: holder.startedAt } satisfies JobHolder;
    const next = db.prepare('SELECT COALESCE(MAX(CAST(id AS INTEGER)), 0) + 1 AS n FROM jobs').get() as { n: number };
    const now = new Date().toISOString();
    const id = String(next.n);
    db.prepare(
      `INSERT INTO jobs (id, stack, kind, title, title_said, target, status, started_by, started_at, owner_host, owner_pid, owner_instance, heartbeat_at)
       VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    ).run(id, input.stack, input.kind, textOf(input.title), saidColumn(input.title), input.target ?? null, input.startedBy, now, owner.host, owner.pid, owner.instance, now);
    return getJob(id)!;
  });
  // IMMEDIATE: take the write lock before reading, so two processes cannot both see "free".
  const result = create.immediate();
  if ('status' in result) return result;
  throw new OpsdeckError('conflict', busyMessage(input.stack, result));
}

export function getJob(id: string): Job | null {
  const row = getDb().prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
  return row ? toJob(row) : null;
}

export function listJobs(stack: string, opts: { kinds?: string[]; limit?: number } = {}): Job[] {
  const kinds = opts.kinds ?? [];
  const filter = kinds.length ? ` AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
  const rows = getDb()
    .prepare(`SELECT ${COLUMNS} FROM jobs WHERE stack = ?${filter} ORDER BY CAST(id AS INTEGER) DESC LIMIT ?`)
    .all(stack, ...kinds, opts.limit ?? 20) as JobRow[];
  return rows.map(toJob);
}

export function appendEvent(jobId: string, type: JobEvent['type'], text: string, level: LogLevel | null = null, data: Record<string, unknown> | null = null): number {
  const db = getDb();
  const add = db.transaction(() => {
    const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM job_events WHERE job_id = ?').get(jobId) as { n: number };
    db.prepare('INSERT INTO job_events (job_id, seq, at, type, level, text, data) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      jobId, n, new Date().toISOString(), type, level, text, data ? JSON.stringify(data) : null,
    );
    return n;
  });
  return add.immediate();
}

export function eventsAfter(jobId: string, afterSeq: number, limit = 500): JobEvent[] {
  const rows = getDb()
    .prepare('SELECT seq, at, type, level, text, data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?')
    .all(jobId, afterSeq, limit) as { seq: number; at: string; type: JobEvent['type']; level: LogLevel | null; text: string; data: string | null }[];
  return rows.map((r) => ({ ...r, data: parseJson<Record<string, unknown>>(r.data) }));
}

export function saveProgress(jobId: string, progress: JobProgress): void {
  getDb().prepare("UPDATE jobs SET progress = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'").run(JSON.stringify(progress), new Date().toISOString(), jobId);
}

export function heartbeat(jobIds: string[]): void {
  const stmt = getDb().prepare("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND status = 'running'");
  const now = new Date().toISOString();
  for (const id of jobIds) stmt.run(now, id);
}

/**
 * Ends a job (which frees the stack). Only a running job changes: finishing twice is a no-op.
 * A keyed summary (say(…)) is stored with its key, so each reader sees it in their language.
 */
export function finishJob(jobId: string, status: Exclude<JobStatus, 'running'>, summary: string | Said, errorDetail: string | null = null): boolean {
  const r = getDb()
    .prepare("UPDATE jobs SET status = ?, finished_at = ?, summary = ?, summary_said = ?, error_detail = ? WHERE id = ? AND status = 'running'")
    .run(status, new Date().toISOString(), textOf(summary), saidColumn(summary), errorDetail, jobId);
  return r.changes === 1;
}

export function setNote(jobId: string, key: string, value: unknown): void {
  getDb().prepare('INSERT INTO job_notes (job_id, key, value) VALUES (?, ?, ?) ON CONFLICT (job_id, key) DO UPDATE SET value = excluded.value')
    .run(jobId, key, JSON.stringify(value));
}

export function deleteNote(jobId: string, key: string): void {
  getDb().prepare('DELETE FROM job_notes WHERE job_id = ? AND key = ?').run(jobId, key);
}

export function notesOf(jobId: string): { key: string; value: unknown }[] {
  const rows = getDb().prepare('SELECT key, value FROM job_notes WHERE job_id = ? ORDER BY rowid').all(jobId) as { key: string; value: string }[];
  return rows.map((r) => ({ key: r.key, value: parseJson<unknown>(r.value) }));
}

export function runningJobsWithOwners(): OwnedJobRow[] {
  return getDb()
    .prepare(`SELECT ${COLUMNS}, owner_host, owner_pid, owner_instance, heartbeat_at FROM jobs WHERE status = 'running' ORDER BY CAST(id AS INTEGER)`)
    .all() as OwnedJobRow[];
}
