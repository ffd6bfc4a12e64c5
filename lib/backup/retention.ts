/**
 * Retention: keep the last N backups, the newest of each of the last D days, the newest of each of
 * the last W weeks; delete the rest. The newest verified backup (intact on disk, no failed test
 * restore) is never deleted, whatever the policy says. Imported backups are the operator's own
 * files and are left alone, and so are the safety backups taken before a restore or an upgrade:
 * they are the way back from that change, so only a person deletes them, and they do not take the
 * places the policy gives to regular backups. Days and weeks are UTC calendar days and ISO weeks (Monday first).
 */
import type { BackupManifest } from './manifest';

export interface RetentionPolicy {
  keepLast: number | null;
  keepDaily: number | null;
  keepWeekly: number | null;
}

export interface RetentionItem {
  id: string;
  /** The catalogue's "file missing / size changed" note (catalogue.ts): such a backup cannot be restored. */
  problem?: string | null;
  manifest: Pick<BackupManifest, 'finishedAt' | 'reason' | 'verified'> & { testRestore?: BackupManifest['testRestore'] };
}

/** A backup that can be counted on: verified, intact on disk, and not failed by a test restore. */
const restorable = (i: RetentionItem) => i.manifest.verified.ok && !i.problem && i.manifest.testRestore?.ok !== false;

export const hasPolicy = (p: RetentionPolicy) => p.keepLast !== null || p.keepDaily !== null || p.keepWeekly !== null;

const DAY_MS = 24 * 3600 * 1000;

/** Backups retention never deletes, with the reason the log gives. */
const UNTOUCHED: Partial<Record<BackupManifest['reason'], string>> = {
  imported: 'imported',
  'pre-restore': 'safety backup taken before a restore',
  'pre-upgrade': 'safety backup taken before an upgrade',
};

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** ISO week "2025-W05": the week's Thursday decides its year. */
export function weekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Which backups to delete, and why each kept one is kept (for the log). */
export function planRetention<T extends RetentionItem>(items: readonly T[], policy: RetentionPolicy, now: Date): { keep: Map<string, string>; remove: T[] } {
  const keep = new Map<string, string>();
  if (!hasPolicy(policy)) {
    for (const i of items) keep.set(i.id, 'no retention policy');
    return { keep, remove: [] };
  }
  const sorted = [...items].sort((a, b) => b.manifest.finishedAt.localeCompare(a.manifest.finishedAt));
  const mark = (id: string, why: string) => {
    if (!keep.has(id)) keep.set(id, why);
  };

  for (const i of sorted) if (UNTOUCHED[i.manifest.reason]) mark(i.id, UNTOUCHED[i.manifest.reason]!);
  // The one kept whatever the policy says must be one a restore could use.
  const newestVerified = sorted.find(restorable);
  if (newestVerified) mark(newestVerified.id, 'newest verified backup');

  const candidates = sorted.filter((i) => !UNTOUCHED[i.manifest.reason]);
  candidates.slice(0, policy.keepLast ?? 0).forEach((i, n) => mark(i.id, `one of the last ${policy.keepLast} (#${n + 1})`));

  if (policy.keepDaily) {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const oldest = dayKey(new Date(today - (policy.keepDaily - 1) * DAY_MS));
    const seen = new Set<string>();
    for (const i of candidates) {
      const key = dayKey(new Date(i.manifest.finishedAt));
      if (key < oldest || seen.has(key)) continue;
      seen.add(key);
      mark(i.id, `newest of ${key}`);
    }
  }
  if (policy.keepWeekly) {
    const weeks = new Set<string>();
    for (let w = 0; w < policy.keepWeekly; w++) weeks.add(weekKey(new Date(now.getTime() - w * 7 * DAY_MS)));
    const seen = new Set<string>();
    for (const i of candidates) {
      const key = weekKey(new Date(i.manifest.finishedAt));
      if (!weeks.has(key) || seen.has(key)) continue;
      seen.add(key);
      mark(i.id, `newest of week ${key}`);
    }
  }
  return { keep, remove: sorted.filter((i) => !keep.has(i.id)) };
}
