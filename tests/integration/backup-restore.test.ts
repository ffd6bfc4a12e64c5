/**
 * Backups and restores against the real engine: the demo stack's PostgreSQL in Docker, the Memos
 * stand-in serving HTTP, Opsdeck's job engine with its SQLite store.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteBackupFiles, getBackup, listBackups, listKeptDatabases, pgTools, restorePreview, startBackupJob, startDropKeptJob, startRestoreJob, startUndoRestoreJob,
} from '../../lib/backup';
import { explainFailure } from '../../lib/backup/failure';
import { writeManifest } from '../../lib/backup/manifest';
import { swapInDatabase } from '../../lib/backup/swap';
import { eventsAfter, getJob, startJob } from '../../lib/jobs';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

let env: BackupEnv;

const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');

describe('backups and restores (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  let firstId = '';

  it('takes a verified backup with a manifest, streamed from pg_dump -Fc inside the container', async () => {
    await env.addMemo('before the backup');
    const job = await startBackupJob(env.stack, { by: 'alice', testRestore: true }).done;
    expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');

    const list = listBackups(env.stack);
    expect(list).toHaveLength(1);
    const entry = list[0];
    firstId = entry.id;
    const m = entry.manifest;
    expect(m.stack).toBe('demo');
    expect(m.database).toBe('memos');
    expect(m.createdBy).toBe('alice');
    expect(m.reason).toBe('manual');
    expect(m.dumpFormat).toBe('custom');
    expect(m.postgresVersion).toMatch(/^17\./);
    expect(m.schemaVersion).toBe('0.1.0');
    expect(m.appVersion).toContain('opsdeck/demo-app:1.0.0');
    expect(m.verified).toMatchObject({ ok: true, method: 'pg_restore --list' });
    expect(m.verified.entries).toBeGreaterThan(3);
    expect(m.testRestore?.ok).toBe(true);
    expect(m.testRestore?.tables?.['public.memo']).toBe(1);

    // The file is the dump itself (no tool text inside), its size and checksum are the manifest's.
    const bytes = fs.readFileSync(entry.dumpPath);
    expect(bytes.subarray(0, 5).toString()).toBe('PGDMP');
    expect(bytes.length).toBe(m.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256);
    // Nothing temporary left, the scratch database of the test restore is gone.
    expect(fs.readdirSync(env.stack.backupDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    const dbs = await env.sql<{ datname: string }>('SELECT datname FROM pg_database');
    expect(dbs.map((d) => d.datname).filter((n) => n.includes('__'))).toEqual([]);
    expect(logOf(job.id)).toMatch(/Test restore loaded 2 tables/);
  }, 300_000);

  it('rebuilds the catalogue from the folder: a copied folder lists the same backups', async () => {
    const copy = path.join(env.dataDir, 'copied-folder');
    fs.cpSync(env.stack.backupDir, copy, { recursive: true });
    const elsewhere = { ...env.stack, backupDir: copy };
    expect(listBackups(elsewhere).map((e) => e.id)).toEqual([firstId]);
    expect(getBackup(elsewhere, firstId).manifest.sha256).toBe(getBackup(env.stack, firstId).manifest.sha256);
    expect(() => getBackup(env.stack, '../../etc/passwd')).toThrow(/not a valid backup id/);
    expect(() => getBackup(env.stack, 'demo-20000101-000000-manual')).toThrow(/not in the backup folder/);
  });

  it('previews a restore: sizes, versions, no warnings for a good backup', async () => {
    const p = await restorePreview(env.stack, firstId);
    expect(p).toMatchObject({ id: firstId, backupSchema: '0.1.0', liveSchema: '0.1.0', verified: true, checksumOk: true });
    expect(p.liveApp).toBe('opsdeck/demo-app:1.0.0');
    expect(p.warnings).toEqual([]);
  });

  it('previews a restore with its warnings: older schema than the app, unverified, checksum mismatch, file cut short', async () => {
    // The live database moves ahead of the backup (as after an upgrade): the backup's schema is older.
    await env.sql("UPDATE system_setting SET value = '0.2.0' WHERE name = 'schema_version'");
    try {
      const p = await restorePreview(env.stack, firstId);
      expect(p).toMatchObject({ backupSchema: '0.1.0', liveSchema: '0.2.0', verified: true, checksumOk: true });
      expect(p.warnings).toEqual([
        "The backup has an older schema (0.1.0) than the running app's database (0.2.0). The app may migrate it when it starts, or refuse it; if it does not become healthy, Opsdeck puts the current database back.",
      ]);
    } finally {
      await env.sql("UPDATE system_setting SET value = '0.1.0' WHERE name = 'schema_version'");
    }

    // A copy of the backup whose verification failed, then one byte changed, then cut short.
    const src = getBackup(env.stack, firstId);
    const id = 'demo-20000101-000000-manual';
    const dump = path.join(env.stack.backupDir, `${id}.dump`);
    fs.copyFileSync(src.dumpPath, dump);
    // A dump-only copy: the set's volume archive is not copied with it.
    writeManifest(env.stack.backupDir, { ...src.manifest, id, file: `${id}.dump`, volumes: undefined, consistency: undefined, verified: { ok: false, at: src.manifest.finishedAt, method: 'pg_restore --list', detail: 'no' } });
    try {
      const unverified = await restorePreview(env.stack, id);
      expect(unverified).toMatchObject({ verified: false, checksumOk: true });
      expect(unverified.warnings).toEqual(['This backup is not verified: it may not load.']);

      const bytes = fs.readFileSync(dump);
      bytes[bytes.length >> 1] ^= 0xff;
      fs.writeFileSync(dump, bytes);
      const changed = await restorePreview(env.stack, id);
      expect(changed.checksumOk).toBe(false);
      expect(changed.warnings).toEqual(['Checksum mismatch: the file has changed since it was written. The restore will be refused.', 'This backup is not verified: it may not load.']);

      fs.truncateSync(dump, 100);
      const cut = await restorePreview(env.stack, id);
      expect(cut.checksumOk).toBe(false);
      expect(cut.warnings[0]).toBe(`The file is 100 bytes but was ${src.manifest.size} bytes when written: it has been changed or cut short.`);
    } finally {
      deleteBackupFiles(env.stack, id);
    }
    expect(listBackups(env.stack).map((e) => e.id)).toEqual([firstId]);
  }, 300_000);

  let keptName = '';

  it('restores: the row added after the backup is gone, the app is healthy, the old database is kept', async () => {
    await env.addMemo('added after the backup');
    expect(await env.memos()).toContain('added after the backup');

    const job = await startRestoreJob(env.stack, firstId, 'alice', { healthTimeoutMs: 60_000 }).done;
    const log = logOf(job.id);
    expect(job.status, `${job.summary}\n${log}`).toBe('succeeded');
    for (const step of ['Checksum matches', 'Restoring into a new database memos__restore_', '(pg_restore ran beside the postgres container)', 'tables present, schema version 0.1.0', 'Stopping the app', 'Swapping databases', 'The app is healthy']) {
      expect(log).toContain(step);
    }
    const memos = await env.memos();
    expect(memos).toContain('before the backup');
    expect(memos).not.toContain('added after the backup');
    expect((await env.demo.http('/healthz')).status).toBe(200);

    const kept = await listKeptDatabases(pgTools(env.stack));
    expect(kept).toHaveLength(1);
    keptName = kept[0].name;
    expect(keptName).toBe(`memos__kept_${/memos__kept_(\d{8}_\d{6})/.exec(keptName)?.[1]}_${job.id}`);
    // No safety dump on the critical path: the kept database is the undo path.
    expect(log).not.toContain('Safety backup');
    expect(listBackups(env.stack).filter((e) => e.manifest.reason === 'pre-restore')).toEqual([]);
    expect(getJob(job.id)?.summary).toContain(keptName);
  }, 300_000);

  it('undo restore puts the previous database back: the row is back', async () => {
    const job = await startUndoRestoreJob(env.stack, keptName, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
    expect(await env.memos()).toContain('added after the backup');
    // The database it replaced (the restored one) is kept in turn; the one put back is live again.
    const kept = (await listKeptDatabases(pgTools(env.stack))).map((k) => k.name);
    expect(kept).not.toContain(keptName);
    expect(kept).toHaveLength(1);

    const drop = await startDropKeptJob(env.stack, kept[0], 'alice').done;
    expect(drop.status, drop.summary ?? '').toBe('succeeded');
    expect(await listKeptDatabases(pgTools(env.stack))).toEqual([]);
  }, 300_000);

  it('refuses to drop or put back a database that is not a kept one', async () => {
    const job = await startDropKeptJob(env.stack, 'memos', 'alice').done;
    expect(job.status).toBe('failed');
    expect(job.summary).toMatch(/no kept database named "memos"/);
    expect((await env.sql('SELECT 1 AS one')).length).toBe(1);
  });

  it('restore then undo at once, no wait between them: each kept name carries its job id, nothing collides', async () => {
    const restore = await startRestoreJob(env.stack, firstId, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(restore.status, `${restore.summary}\n${logOf(restore.id)}`).toBe('succeeded');
    const [first] = await listKeptDatabases(pgTools(env.stack));
    expect(first.name).toMatch(new RegExp(`^memos__kept_\\d{8}_\\d{6}_${restore.id}$`));

    const undo = await startUndoRestoreJob(env.stack, first.name, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(undo.status, `${undo.summary}\n${logOf(undo.id)}`).toBe('succeeded');
    const kept = (await listKeptDatabases(pgTools(env.stack))).map((k) => k.name);
    expect(kept).toEqual([expect.stringMatching(new RegExp(`^memos__kept_\\d{8}_\\d{6}_${undo.id}$`))]);
    expect((await env.demo.http('/healthz')).status).toBe(200);
    expect((await startDropKeptJob(env.stack, kept[0], 'alice').done).status).toBe('succeeded');
  }, 180_000);

  it('a swap whose rename fails is reported as the failed swap it is, nothing renamed, the app running', async () => {
    const before = await env.memos();
    const { done } = startJob({ stack: 'demo', kind: 'undo-restore', title: 'Swap in a database that is not there', startedBy: 'alice' }, async (ctx) => {
      const tools = pgTools(env.stack);
      try {
        await swapInDatabase(env.stack, tools, 'memos__restore_gone', ctx, { what: 'a database that is not there', healthTimeoutMs: 60_000 });
      } catch (e) {
        throw explainFailure(e, { stack: env.stack, tools });
      }
    });
    const job = await done;
    expect(job.status).toBe('failed');
    expect(job.summary).toBe('Swapping the databases (renaming) failed (PostgreSQL said: database "memos__restore_gone" does not exist). Nothing was renamed: the live database is as it was.');
    expect(await listKeptDatabases(pgTools(env.stack))).toEqual([]);
    expect((await env.demo.http('/healthz')).status).toBe(200);
    expect(await env.memos()).toEqual(before);
  }, 180_000);
});
