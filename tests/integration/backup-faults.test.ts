/**
 * The fault tests of the backups issue that need no process kill: database container stopped,
 * checksum mismatch, disk full, two restores at once, an app that never becomes healthy.
 * Everything real: Docker, PostgreSQL, the demo app, a tmpfs that fills up.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, listKeptDatabases, pgTools, startBackupJob, startRestoreJob, type BackupEntry } from '../../lib/backup';
import { OpsdeckError } from '../../lib/errors';
import { eventsAfter, runningJob } from '../../lib/jobs';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

const docker = new Docker();
let env: BackupEnv;
let good: BackupEntry;

const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const scratchDbs = async () => (await env.sql<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'memos\\_\\_%'")).map((r) => r.datname);

async function postgresContainer() {
  const [c] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${env.demo.projectName}`, 'com.docker.compose.service=postgres'] } });
  return docker.getContainer(c.Id);
}

describe('backup and restore faults (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    await env.addMemo('precious memo');
    const job = await startBackupJob(env.stack, { by: 'alice' }).done;
    if (job.status !== 'succeeded') throw new Error(`setup backup failed: ${job.summary}`);
    good = listBackups(env.stack)[0];
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('database container stopped: the backup fails in plain words and leaves nothing behind', async () => {
    const pgc = await postgresContainer();
    await pgc.stop({ t: 10 });
    try {
      const before = fs.readdirSync(env.stack.backupDir).sort();
      const job = await startBackupJob(env.stack, { by: 'alice' }).done;
      expect(job.status).toBe('failed');
      expect(job.summary).toBe('The database container of stack demo is stopped (service postgres: its container is exited). Start it from the Status tab, then try again.');
      expect(fs.readdirSync(env.stack.backupDir).sort()).toEqual(before);
      expect(runningJob('demo')).toBeNull();
    } finally {
      await pgc.start();
      for (let i = 0; i < 60; i++) {
        const info = await pgc.inspect();
        if (info.State.Health?.Status === 'healthy') break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });

  it('checksum mismatch: the restore is refused and the live database is untouched', async () => {
    const copy = path.join(env.stack.backupDir, `${good.id}.dump.orig`);
    fs.copyFileSync(good.dumpPath, copy);
    try {
      // Same size, one byte different: only the checksum can tell.
      const fd = fs.openSync(good.dumpPath, 'r+');
      const at = Math.floor(good.manifest.size / 2);
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, at);
      b[0] ^= 0xff;
      fs.writeSync(fd, b, 0, 1, at);
      fs.closeSync(fd);

      await env.addMemo('written after the good backup');
      const job = await startRestoreJob(env.stack, good.id, 'alice').done;
      expect(job.status).toBe('failed');
      expect(job.summary).toMatch(/changed or damaged since it was written \(checksum mismatch\), so Opsdeck refuses to restore it/);
      expect(logOf(job.id)).not.toContain('Safety backup');
      expect(await env.memos()).toContain('written after the good backup');
      expect(await scratchDbs()).toEqual([]);
    } finally {
      fs.renameSync(copy, good.dumpPath);
    }
  });

  it('two restores clicked at once: one runs, the other is told which job holds the stack', async () => {
    const first = startRestoreJob(env.stack, good.id, 'alice', { healthTimeoutMs: 60_000 });
    let refused: unknown;
    try {
      startRestoreJob(env.stack, good.id, 'bob');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(OpsdeckError);
    expect((refused as OpsdeckError).code).toBe('conflict');
    expect((refused as OpsdeckError).message).toBe(
      `Stack demo is busy: restore #${first.job.id} started by alice at ${first.job.startedAt}. Wait for it to finish, then try again.`,
    );
    const done = await first.done;
    expect(done.status, `${done.summary}\n${logOf(done.id)}`).toBe('succeeded');
    expect(runningJob('demo')).toBeNull();
    expect(await env.memos()).not.toContain('written after the good backup');
  });

  it('disk full during a backup: a clear error and nothing partial kept', async () => {
    // Incompressible rows so the dump outgrows the small tmpfs.
    await env.sql(
      "CREATE TABLE filler AS SELECT g AS id, j.junk FROM generate_series(1, 6000) g, LATERAL (SELECT string_agg(md5(random()::text || g::text || i::text), '') AS junk FROM generate_series(1, 20) i) j",
    );
    const mnt = fs.mkdtempSync(path.join(env.dataDir, 'tiny-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    try {
      const tiny = { ...env.stack, backupDir: mnt };
      const { job, done } = startBackupJob(tiny, { by: 'alice' });
      const ended = await done;
      expect(ended.status).toBe('failed');
      expect(ended.summary).toMatch(/^The disk holding the backup folder is full \([\d.]+ (B|KB) free\)\. Free some space .* Nothing partial was kept\.$/);
      expect(ended.errorDetail).toMatch(/ENOSPC|no space/i);
      expect(fs.readdirSync(mnt)).toEqual([]);
      expect(job.id).toBe(ended.id);
    } finally {
      execFileSync('umount', [mnt]);
      await env.sql('DROP TABLE filler');
    }
  });

  it('an app that never becomes healthy on the restored database: swapped back, data kept, app healthy', async () => {
    // A backup with a schema newer than the running app supports: the app refuses to start on it.
    await env.sql("UPDATE system_setting SET value = '9.9.9' WHERE name = 'schema_version'");
    const made = await startBackupJob(env.stack, { by: 'alice' }).done;
    await env.sql("UPDATE system_setting SET value = '0.1.0' WHERE name = 'schema_version'");
    expect(made.status).toBe('succeeded');
    const newer = listBackups(env.stack).find((e) => e.manifest.schemaVersion === '9.9.9')!;
    await env.addMemo('must survive the failed restore');
    const keptBefore = (await listKeptDatabases(pgTools(env.stack))).map((k) => k.name);

    const job = await startRestoreJob(env.stack, newer.id, 'alice', { healthTimeoutMs: 20_000 }).done;
    const log = logOf(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/did not become healthy on the restored backup .* within 20 s .* The previous database was put back\./);
    expect(log).toContain('Swapping back');
    expect(log).toContain('The app is healthy again');
    expect((await env.demo.http('/healthz')).status).toBe(200);
    expect(await env.memos()).toContain('must survive the failed restore');
    const [{ value }] = await env.sql<{ value: string }>("SELECT value FROM system_setting WHERE name = 'schema_version'");
    expect(value).toBe('0.1.0');
    // The restored copy was dropped; the failed restore kept no extra database.
    expect((await scratchDbs()).filter((n) => n.includes('__restore_'))).toEqual([]);
    expect((await listKeptDatabases(pgTools(env.stack))).map((k) => k.name)).toEqual(keptBefore);
  }, 120_000);
});
