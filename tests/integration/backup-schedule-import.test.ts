/**
 * Schedules, retention and import against the real stack: scheduled runs (missed runs collapse
 * into one, no overlap, settings survive a restart), retention deletions audited, and the old
 * script's `memos-backup-*.sql.gz` plain-SQL dumps imported and restored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getBackupSettings, listBackups, pgTools, runDueBackups, saveBackupSettings, settingsInputSchema, startImportDirectoryJob, startRestoreJob,
} from '../../lib/backup';
import { getJob, listJobs, startJob, eventsAfter } from '../../lib/jobs';
import { closeDb, getDb, openDb } from '../../lib/store/db';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

let env: BackupEnv;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');

async function waitJob(id: string) {
  for (let i = 0; i < 600; i++) {
    const j = getJob(id)!;
    if (j.status !== 'running') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} still running`);
}

describe('schedules, retention and import (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    await env.addMemo('memo one');
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('validates a schedule form in plain words', () => {
    const bad = settingsInputSchema.safeParse({ cron: '0 25 * * *', keepLast: '0', keepDaily: '', keepWeekly: 'x' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('cron: Schedule: hour 25 is out of range (0-23).');
    expect(messages.some((m) => m.startsWith('keepLast: At least 1'))).toBe(true);
    expect(settingsInputSchema.parse({ cron: '', keepLast: '', keepDaily: '7', keepWeekly: '', testRestore: 'on' })).toEqual({
      cron: null, keepLast: null, keepDaily: 7, keepWeekly: null, testRestore: true,
    });
  });

  it('a run missed while Opsdeck was down runs once; the next tick does not run it again', async () => {
    const saved = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    saveBackupSettings('demo', settingsInputSchema.parse({ cron: '0 2 * * *', keepLast: '2', testRestore: 'on' }), 'admin', saved);
    const tick = runDueBackups(new Date());
    expect(tick.started).toHaveLength(1);
    expect(runDueBackups(new Date()).started).toEqual([]);
    const job = await waitJob(tick.started[0].jobId);
    expect(job.status, logOf(job.id)).toBe('succeeded');
    expect(job.startedBy).toBeNull();
    const [entry] = listBackups(env.stack);
    expect(entry.manifest.reason).toBe('scheduled');
    expect(entry.manifest.testRestore?.ok).toBe(true);
  });

  it('two runs never overlap: a due run finding the stack busy waits for the next tick', async () => {
    getDb().prepare("UPDATE backup_schedules SET last_run_at = '2000-01-01T00:00:00.000Z' WHERE stack = 'demo'").run();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holder = startJob({ stack: 'demo', kind: 'restore', title: 'Restore', startedBy: 'alice' }, () => gate);
    const busy = runDueBackups(new Date());
    expect(busy).toEqual({ started: [], busy: ['demo'] });
    release();
    await holder.done;
    const tick = runDueBackups(new Date());
    expect(tick.started).toHaveLength(1);
    expect((await waitJob(tick.started[0].jobId)).status).toBe('succeeded');
  });

  it('the schedule survives a restart of Opsdeck (it lives in the store)', () => {
    const before = getBackupSettings('demo');
    closeDb();
    openDb(path.join(env.dataDir, 'opsdeck.db'));
    expect(getBackupSettings('demo')).toEqual(before);
    expect(before).toMatchObject({ cron: '0 2 * * *', retention: { keepLast: 2, keepDaily: null, keepWeekly: null }, testRestore: true, updatedBy: 'admin' });
  });

  it('retention keeps the last N after each backup and audits every deletion', async () => {
    getDb().prepare("UPDATE backup_schedules SET last_run_at = '2000-01-01T00:00:00.000Z' WHERE stack = 'demo'").run();
    const tick = runDueBackups(new Date());
    const job = await waitJob(tick.started[0].jobId);
    expect(job.status).toBe('succeeded');
    expect(job.summary).toMatch(/retention deleted 1 old backup/);
    expect(listBackups(env.stack)).toHaveLength(2);
    const audit = getDb().prepare("SELECT actor, stack, target, result FROM audit WHERE action = 'backup.retention-delete'").all() as { actor: string; target: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'scheduler', stack: 'demo', result: 'ok' });
    expect(listBackups(env.stack).map((e) => e.id)).not.toContain(audit[0].target);
    expect(listJobs('demo', { kinds: ['backup'] }).length).toBeGreaterThanOrEqual(3);
  });

  it('imports the old script\'s memos-backup-*.sql.gz dumps from a folder and restores one', async () => {
    saveBackupSettings('demo', settingsInputSchema.parse({}), 'admin');
    // What deploy.sh wrote: pg_dump plain SQL, gzipped (here made without its 2>&1 bug).
    const dump = await pgTools(env.stack).run(['pg_dump', '--dbname=memos']);
    expect(dump.exitCode).toBe(0);
    const old = path.join(env.dataDir, 'old-backups');
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, 'memos-backup-20240101-020000.sql.gz'), gzipSync(dump.stdout));
    // The old script's bug: pg_dump's error text inside the "backup"; and a file cut short.
    fs.writeFileSync(path.join(old, 'memos-backup-20240102-020000.sql.gz'), gzipSync('pg_dump: error: connection to server failed\n'));
    fs.writeFileSync(path.join(old, 'memos-backup-20240103-020000.sql.gz'), gzipSync(dump.stdout).subarray(0, 200));
    fs.writeFileSync(path.join(old, 'README.txt'), 'not a backup');

    const job = await startImportDirectoryJob(env.stack, old, 'admin').done;
    expect(job.status, logOf(job.id)).toBe('succeeded');
    expect(job.summary, logOf(job.id)).toBe(`Imported 1 backup(s) from ${old}; 2 file(s) could not be imported (see the log).`);
    const imported = listBackups(env.stack).find((e) => e.manifest.reason === 'imported')!;
    expect(imported.manifest).toMatchObject({
      dumpFormat: 'plain-gzip', importedFrom: 'memos-backup-20240101-020000.sql.gz', finishedAt: '2024-01-01T02:00:00.000Z',
      verified: { ok: true, method: 'gunzip + SQL dump markers' },
    });
    expect(imported.fileName).toMatch(/\.sql\.gz$/);
    // The originals are untouched (copied, not moved).
    expect(fs.readdirSync(old)).toHaveLength(4);
    // Importing again adds nothing.
    const again = await startImportDirectoryJob(env.stack, old, 'admin').done;
    expect(again.summary).toMatch(/^Imported 0 backup/);

    await env.addMemo('after the old dump');
    const restore = await startRestoreJob(env.stack, imported.id, 'admin', { healthTimeoutMs: 60_000 }).done;
    expect(restore.status, logOf(restore.id)).toBe('succeeded');
    expect(logOf(restore.id)).toContain('psql -v ON_ERROR_STOP=1');
    expect(await env.memos()).toEqual(['memo one']);
  });
});
