/**
 * Job titles and end summaries are stored as English plus their message key (issue 16): each
 * reader sees them in their language, while the English stays character for character what the
 * code wrote before keys (the e2e specs, the audit log and the API show it).
 */
import { describe, expect, it } from 'vitest';
import { backupSummary, importDirSummary, restoreSummary } from '@/lib/backup/job-summaries';
import { OpsdeckError } from '@/lib/errors';
import { say, sayIn } from '@/lib/i18n/server-text';
import { eventsAfter, getJob, listJobs, maskJob, recoverInterruptedJobs, runJob, type Job } from '@/lib/jobs';
import { getDb } from '@/lib/store/db';
import { withTempDb } from '@/lib/store/temp-db';

withTempDb();

/** What a page in `locale` shows for the job's title and summary (the components' renderSaid). */
const shown = (job: Job, locale: 'en' | 'zh-CN') => ({
  title: sayIn(locale, { ...job.titleSaid, text: job.title }),
  summary: job.summary === null ? null : sayIn(locale, { ...job.summarySaid, text: job.summary }),
});

describe('job titles and summaries', () => {
  it('keep the English of before keys, character for character', () => {
    // The templates the job bodies used before keys, kept here as the reference.
    const oldBackup = (id: string, size: string, deleted: number, offsite: { copied: number; failed: number } | null) =>
      `Backup ${id} written and verified (${size})${deleted ? `; retention deleted ${deleted} old backup(s)` : ''}${offsite ? `; offsite: ${offsite.copied} copied${offsite.failed ? `, ${offsite.failed} FAILED (see the log)` : ''}` : ''}.`;
    for (const [deleted, offsite] of [[0, null], [2, null], [0, { copied: 1, failed: 0 }], [3, { copied: 1, failed: 2 }]] as const) {
      expect(backupSummary('demo-20260101-000000', 1536, deleted, offsite).text).toBe(oldBackup('demo-20260101-000000', '1.5 KB', deleted, offsite));
    }
    const oldRestore = (id: string, parts: 'database' | 'volumes' | 'both' | undefined, keptAs: string | null, vols: string[]) => {
      const kept = [keptAs ? `The previous database is kept as ${keptAs} (Undo restore puts it back).` : '', vols.length ? `The previous volume data is kept in ${vols.join(', ')}.` : ''].filter(Boolean).join(' ');
      return `Restored ${id}${parts && parts !== 'database' ? ` (${parts === 'both' ? 'database and volumes' : 'volumes'})` : ''}; the app is healthy. ${kept}`;
    };
    for (const [parts, keptAs, vols] of [[undefined, 'memos__kept_1', []], ['both', 'memos__kept_1', ['v1', 'v2']], ['volumes', null, ['v1']], ['database', null, []]] as const) {
      expect(restoreSummary('b1', parts, keptAs, [...vols]).text).toBe(oldRestore('b1', parts, keptAs, [...vols]));
    }
    expect(importDirSummary(3, '/srv/dumps', 0).text).toBe('Imported 3 backup(s) from /srv/dumps.');
    expect(importDirSummary(3, '/srv/dumps', 1).text).toBe('Imported 3 backup(s) from /srv/dumps; 1 file(s) could not be imported (see the log).');
    expect(say('jobs.title.restore', { backup: 'b1' }).text).toBe('Restore of b1');
    expect(say('jobs.title.undoRestore', { kept: 'memos__kept_1' }).text).toBe('Undo restore (put back memos__kept_1)');
    expect(say('jobs.title.upgrade', { stack: 'demo', tag: '1.1.0' }).text).toBe('Upgrade demo to 1.1.0');
    expect(say('jobs.title.configApply', { kind: 'compose', stack: 'demo' }).text).toBe('Apply the compose file of demo');
  });

  it('are stored with their keys and read in either language; the log says the same', async () => {
    const job = await runJob({ stack: 'demo', kind: 'backup', title: say('jobs.title.backup'), startedBy: 'alice' }, async () => backupSummary('demo-1', 2048, 1, { copied: 1, failed: 1 }));
    expect(job).toMatchObject({ title: 'Backup', summary: 'Backup demo-1 written and verified (2.0 KB); retention deleted 1 old backup(s); offsite: 1 copied, 1 FAILED (see the log).' });
    expect(job.titleSaid).toEqual({ key: 'jobs.title.backup' });
    expect(job.summarySaid?.key).toBe('jobs.summary.backup');
    expect(shown(job, 'en')).toEqual({ title: job.title, summary: job.summary });
    expect(shown(job, 'zh-CN')).toEqual({ title: '备份', summary: '备份 demo-1 已写入并验证（2.0 KB）；保留策略删除了 1 个旧备份；异地：已复制 1 个，1 个失败（见日志）。' });
    // The list reads the same columns.
    expect(shown(listJobs('demo')[0], 'zh-CN').title).toBe('备份');
    // The first and the last log lines carry the keys too.
    const lines = eventsAfter(job.id, 0).filter((e) => e.type === 'log');
    expect(lines.map((e) => sayIn('zh-CN', { ...(e.data as object), text: e.text }))).toEqual(['备份，由 alice 启动。', shown(job, 'zh-CN').summary]);
    expect(lines.map((e) => e.text)).toEqual(['Backup started by alice.', job.summary]);
  });

  it('without a summary of its own, a job is "<title>: done." in the reader’s language; a keyed failure keeps its key', async () => {
    const done = await runJob({ stack: 'demo', kind: 'restore', title: say('jobs.title.restore', { backup: 'b7' }), startedBy: null }, async () => undefined);
    expect(shown(done, 'en')).toEqual({ title: 'Restore of b7', summary: 'Restore of b7: done.' });
    expect(shown(done, 'zh-CN')).toEqual({ title: '恢复 b7', summary: '恢复 b7：已完成。' });
    const first = eventsAfter(done.id, 0)[0];
    expect(first.text).toBe('Restore of b7 started by the scheduler.');
    expect(sayIn('zh-CN', { ...(first.data as object), text: first.text })).toBe(`恢复 b7，由 ${sayIn('zh-CN', say('errors.theScheduler'))} 启动。`);
    const failed = await runJob({ stack: 'demo', kind: 'restore', title: say('jobs.title.restore', { backup: 'b8' }), startedBy: 'bob' }, async () => {
      throw new OpsdeckError('conflict', say('errors.noStack', { name: 'gone' }));
    });
    expect(failed).toMatchObject({ status: 'failed', summary: 'No stack named "gone" is configured.', summarySaid: { key: 'errors.noStack', params: { name: 'gone' } } });
    expect(shown(failed, 'zh-CN').summary).toBe(sayIn('zh-CN', say('errors.noStack', { name: 'gone' })));
    expect(shown(failed, 'zh-CN').summary).not.toBe(failed.summary);
  });

  it('an interrupted job says so in the reader’s language', async () => {
    const id = '999';
    getDb().prepare("INSERT INTO jobs (id, stack, kind, title, title_said, status, started_by, started_at, owner_host, owner_pid, owner_instance, heartbeat_at) VALUES (?, 'demo', 'backup', 'Backup', ?, 'running', 'alice', ?, 'elsewhere', 1, 'gone', ?)")
      .run(id, JSON.stringify({ key: 'jobs.title.backup' }), new Date(0).toISOString(), new Date(0).toISOString());
    expect(await recoverInterruptedJobs()).toContain(id);
    const job = getJob(id)!;
    expect(job.summary).toBe('Interrupted: Opsdeck stopped during the job; what it left half-done was cleaned up.');
    expect(shown(job, 'zh-CN')).toEqual({ title: '备份', summary: '已中断：作业运行期间 Opsdeck 停止了；其留下的未完成部分已清理。' });
  });

  it('rows written before keys show their stored English in every language', async () => {
    const job = await runJob({ stack: 'old', kind: 'backup', title: say('jobs.title.backup'), startedBy: 'alice' }, async () => backupSummary('old-1', 10, 0, null));
    getDb().prepare('UPDATE jobs SET title_said = NULL, summary_said = NULL WHERE id = ?').run(job.id);
    const old = getJob(job.id)!;
    expect(old).toMatchObject({ titleSaid: null, summarySaid: null });
    expect(shown(old, 'zh-CN')).toEqual({ title: 'Backup', summary: 'Backup old-1 written and verified (10 B).' });
    // Plain text (a title or summary made without say) is stored without a key, and shown as is.
    const plain = await runJob({ stack: 'old', kind: 'backup', title: 'Nightly', startedBy: 'alice' }, async () => 'All fine.');
    expect(plain).toMatchObject({ titleSaid: null, summarySaid: null });
    expect(shown(plain, 'zh-CN')).toEqual({ title: 'Nightly', summary: 'All fine.' });
  });

  it('masks the keyed parameters as it masks the English', async () => {
    const job = await runJob({ stack: 'demo', kind: 'restore', title: say('jobs.title.restore', { backup: 'hunter2' }), startedBy: 'alice' }, async () => say('jobs.summary.dropKept', { name: 'hunter2' }));
    const masked = maskJob(job, (text) => text.replaceAll('hunter2', '•••'));
    expect(masked.title).toBe('Restore of •••');
    expect(shown(masked, 'zh-CN')).toEqual({ title: '恢复 •••', summary: '已删除保留的数据库 •••。' });
  });
});
