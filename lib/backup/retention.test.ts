import { describe, expect, it } from 'vitest';
import { planRetention, weekKey, type RetentionItem } from './retention';

const item = (id: string, finishedAt: string, extra: Partial<{ reason: RetentionItem['manifest']['reason']; ok: boolean }> = {}): RetentionItem => ({
  id,
  manifest: { finishedAt, reason: extra.reason ?? 'scheduled', verified: { ok: extra.ok ?? true, at: finishedAt, method: 'pg_restore --list' } },
});
const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
const now = new Date('2025-03-20T12:00:00Z'); // a Thursday

// Two backups a day (02:00 and 14:00) for 40 days back.
const daily: RetentionItem[] = [];
for (let d = 0; d < 40; d++) {
  const day = new Date(Date.UTC(2025, 2, 20) - d * 86400000).toISOString().slice(0, 10);
  daily.push(item(`${day}-02`, `${day}T02:00:00Z`), item(`${day}-14`, `${day}T14:00:00Z`));
}
const recent = daily.filter((i) => i.manifest.finishedAt <= now.toISOString());

describe('planRetention', () => {
  it('keeps everything when no policy is set', () => {
    expect(planRetention(recent, { keepLast: null, keepDaily: null, keepWeekly: null }, now).remove).toEqual([]);
  });

  it('never deletes the safety backups taken before a restore or an upgrade, nor counts them', () => {
    const items = [
      item('manual-new', '2025-03-20T11:00:00Z', { reason: 'manual' }),
      item('pre-restore', '2025-03-20T10:00:00Z', { reason: 'pre-restore' }),
      item('pre-upgrade-old', '2025-01-01T10:00:00Z', { reason: 'pre-upgrade' }),
      item('manual-old', '2025-03-19T11:00:00Z', { reason: 'manual' }),
      item('scheduled-old', '2025-03-18T11:00:00Z'),
    ];
    const { keep, remove } = planRetention(items, { keepLast: 2, keepDaily: null, keepWeekly: null }, now);
    expect(ids(remove)).toEqual(['scheduled-old']);
    expect(keep.get('pre-restore')).toBe('safety backup taken before a restore');
    expect(keep.get('pre-upgrade-old')).toBe('safety backup taken before an upgrade');
    // The two places of keepLast went to regular backups, not to the safety ones.
    expect(keep.get('manual-old')).toBe('one of the last 2 (#2)');
  });

  it('keeps the last N', () => {
    const { remove, keep } = planRetention(recent, { keepLast: 3, keepDaily: null, keepWeekly: null }, now);
    expect([...keep.keys()]).toEqual(['2025-03-20-02', '2025-03-19-14', '2025-03-19-02']);
    expect(remove).toHaveLength(recent.length - 3);
  });

  it('keeps the newest of each of the last D days', () => {
    const { keep } = planRetention(recent, { keepLast: null, keepDaily: 3, keepWeekly: null }, now);
    expect(ids([...keep.keys()].map((id) => ({ id })))).toEqual(['2025-03-18-14', '2025-03-19-14', '2025-03-20-02']);
  });

  it('keeps the newest of each of the last W ISO weeks', () => {
    const { keep } = planRetention(recent, { keepLast: null, keepDaily: null, keepWeekly: 3 }, now);
    // Weeks of 2025-03-20 (W12), 03-13 (W11), 03-06 (W10): their newest backups.
    expect([...keep.keys()]).toEqual(['2025-03-20-02', '2025-03-16-14', '2025-03-09-14']);
    expect(weekKey(new Date('2025-03-16T14:00:00Z'))).toBe('2025-W11');
  });

  it('combines the rules (union) and says why each is kept', () => {
    const { keep, remove } = planRetention(recent, { keepLast: 2, keepDaily: 2, keepWeekly: 2 }, now);
    expect(keep.get('2025-03-20-02')).toBe('newest verified backup');
    expect(keep.get('2025-03-19-14')).toMatch(/last 2/);
    expect(keep.get('2025-03-16-14')).toBe('newest of week 2025-W11');
    expect(keep.size + remove.length).toBe(recent.length);
  });

  it('never deletes the newest verified backup, even when newer ones failed verification', () => {
    const items = [item('new-bad', '2025-03-20T10:00:00Z', { ok: false }), item('older-good', '2025-03-01T10:00:00Z'), item('oldest', '2025-02-01T10:00:00Z')];
    const { keep, remove } = planRetention(items, { keepLast: 1, keepDaily: null, keepWeekly: null }, now);
    expect([...keep.keys()].sort()).toEqual(['new-bad', 'older-good']);
    expect(ids(remove)).toEqual(['oldest']);
  });

  it('the newest verified backup it protects is one that can be restored: not damaged, not failed by a test restore', () => {
    const damaged = { ...item('damaged', '2025-03-20T10:00:00Z'), problem: 'The dump file is missing from the backup folder.' };
    const failedTest: RetentionItem = { id: 'failed-test', manifest: { ...item('x', '2025-03-19T10:00:00Z').manifest, testRestore: { ok: false, at: '2025-03-19T10:05:00Z', method: 'restore into a scratch database', detail: 'boom' } } };
    const tested: RetentionItem = { id: 'tested', manifest: { ...item('x', '2025-03-02T10:00:00Z').manifest, testRestore: { ok: true, at: '2025-03-02T10:05:00Z', method: 'restore into a scratch database' } } };
    const items = [damaged, failedTest, tested, item('oldest', '2025-02-01T10:00:00Z')];
    const { keep, remove } = planRetention(items, { keepLast: 1, keepDaily: null, keepWeekly: null }, now);
    expect(keep.get('tested')).toBe('newest verified backup');
    expect(keep.get('damaged')).toMatch(/last 1/);
    expect(ids(remove)).toEqual(['failed-test', 'oldest']);
  });

  it('leaves imported backups alone', () => {
    const items = [item('a', '2025-03-20T10:00:00Z'), item('imp', '2024-01-01T00:00:00Z', { reason: 'imported' })];
    expect(planRetention(items, { keepLast: 1, keepDaily: null, keepWeekly: null }, now).remove).toEqual([]);
  });
});
