/** The store's record of offsite copies (migration 12): what was verified where, what failed. */
import { getDb } from '@/lib/store';

export type CopyStatus = 'verified' | 'failed' | 'deleted';

export interface OffsiteCopy {
  stack: string;
  target: string;
  backupId: string;
  status: CopyStatus;
  bytes: number | null;
  objects: number | null;
  error: string | null;
  jobId: string | null;
  verifiedAt: string | null;
  updatedAt: string;
}

interface Row {
  stack: string; target: string; backup_id: string; status: CopyStatus; bytes: number | null; objects: number | null;
  error: string | null; job_id: string | null; verified_at: string | null; updated_at: string;
}

const fromRow = (r: Row): OffsiteCopy => ({
  stack: r.stack, target: r.target, backupId: r.backup_id, status: r.status, bytes: r.bytes, objects: r.objects,
  error: r.error, jobId: r.job_id, verifiedAt: r.verified_at, updatedAt: r.updated_at,
});

export function recordCopy(c: { stack: string; target: string; backupId: string; status: CopyStatus; bytes?: number | null; objects?: number | null; error?: string | null; jobId?: string | null }): void {
  const now = new Date().toISOString();
  getDb().prepare(`
    INSERT INTO offsite_copies (stack, target, backup_id, status, bytes, objects, error, job_id, verified_at, updated_at)
    VALUES (@stack, @target, @backupId, @status, @bytes, @objects, @error, @jobId, @verifiedAt, @now)
    ON CONFLICT (stack, target, backup_id) DO UPDATE SET
      status = excluded.status, bytes = COALESCE(excluded.bytes, bytes), objects = COALESCE(excluded.objects, objects),
      error = excluded.error, job_id = COALESCE(excluded.job_id, job_id),
      verified_at = CASE WHEN excluded.status = 'verified' THEN excluded.verified_at ELSE verified_at END, updated_at = excluded.updated_at
  `).run({
    stack: c.stack, target: c.target, backupId: c.backupId, status: c.status, bytes: c.bytes ?? null, objects: c.objects ?? null,
    error: c.error ?? null, jobId: c.jobId ?? null, verifiedAt: c.status === 'verified' ? now : null, now,
  });
}

export function copiesOf(stack: string, target?: string): OffsiteCopy[] {
  const rows = target
    ? getDb().prepare('SELECT * FROM offsite_copies WHERE stack = ? AND target = ? ORDER BY backup_id DESC').all(stack, target)
    : getDb().prepare('SELECT * FROM offsite_copies WHERE stack = ? ORDER BY backup_id DESC').all(stack);
  return (rows as Row[]).map(fromRow);
}

export function verifiedIds(stack: string, target: string): Set<string> {
  return new Set(copiesOf(stack, target).filter((c) => c.status === 'verified').map((c) => c.backupId));
}
