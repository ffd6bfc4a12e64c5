/**
 * "Kill Opsdeck mid-job": the job runs in a child process (tests/support/job-child), which is
 * SIGKILLed in the middle of its work — no chance to clean up. Then the startup recovery runs, as
 * at the next start of Opsdeck, and the outcome is checked against the real stack.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_RECOVERY, cleanBackupTempFiles, listBackups, startBackupJob, startImportDirectoryJob, startRestoreJob } from '../../lib/backup';
import { eventsAfter, getJob, listJobs, recoverInterruptedJobs, runningJob, type Job } from '../../lib/jobs';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';
import { KillableJobChild } from '../support/job-child/killable';

let env: BackupEnv;

const child = new KillableJobChild();
const killWhen = (ready: (job: Job) => boolean | Promise<boolean>, timeoutMs = 180_000) => child.killWhen('demo', ready, timeoutMs);

const steps = (jobId: string) => eventsAfter(jobId, 0, 10_000).filter((e) => e.type === 'step').map((e) => (e.data as { name: string }).name);
const tempFiles = () => fs.readdirSync(env.stack.backupDir).filter((f) => f.startsWith('.tmp-'));
const restoreRoles = async () => (await env.sql<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'opsdeck\\_restore\\_%'")).map((r) => r.rolname);
const extraDbs = async () => (await env.sql<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'memos\\_\\_%'")).map((r) => r.datname);

describe('killing Opsdeck in the middle of a job (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    await env.addMemo('memo from before');
    // ~95 MB of poorly compressible rows: the dump and the restore take seconds, long enough to be killed in.
    await env.sql(
      "CREATE TABLE filler AS SELECT g AS id, j.junk FROM generate_series(1, 150000) g, LATERAL (SELECT string_agg(md5(random()::text || g::text || i::text), '') AS junk FROM generate_series(1, 20) i) j",
    );
  }, 600_000);
  afterEach(() => {
    child.stop();
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('mid-backup: the job is interrupted, no partial backup is listed, the temp file is gone', async () => {
    child.start({ ...env.env, CHILD_JOB: 'backup' });
    const killed = await killWhen((j) => j.progress?.phase === 'Writing the dump' && (j.progress.bytes ?? 0) > 1024 * 1024);
    expect(killed.status).toBe('running');
    expect(tempFiles()).toHaveLength(1);

    const recovered = await recoverInterruptedJobs(BACKUP_RECOVERY);
    cleanBackupTempFiles();
    expect(recovered).toEqual([killed.id]);
    const job = getJob(killed.id)!;
    expect(job.status).toBe('interrupted');
    expect(job.summary).toMatch(/^Interrupted: Opsdeck stopped during the job/);
    expect(eventsAfter(job.id, 0).map((e) => e.text).join('\n')).toMatch(/Removed the unfinished file .*\.tmp-demo-.*\.dump/);
    expect(listBackups(env.stack)).toEqual([]);
    expect(tempFiles()).toEqual([]);
    expect(runningJob('demo')).toBeNull();
  }, 300_000);

  it('mid-restore (while loading): interrupted, half-made database dropped, live database complete and serving', async () => {
    const made = await startBackupJob(env.stack, { by: 'alice' }).done;
    expect(made.status, made.summary ?? '').toBe('succeeded');
    const backup = listBackups(env.stack).find((e) => e.manifest.reason === 'manual')!;
    await env.addMemo('memo after the backup');

    child.start({ ...env.env, CHILD_JOB: 'restore', CHILD_BACKUP_ID: backup.id });
    // Killed while the scratch database is being filled (PostgreSQL's own figure for its size).
    const killed = await killWhen(async (j) => {
      const s = steps(j.id);
      if (!s.includes('restore.load') || s.includes('restore.check')) return false;
      const [row] = await env.sql<{ bytes: string }>('SELECT pg_database_size(datname) AS bytes FROM pg_database WHERE datname = $1', [`memos__restore_${j.id}`]);
      return Number(row?.bytes ?? 0) > 20 * 1024 * 1024;
    });
    expect(await extraDbs()).toEqual([`memos__restore_${killed.id}`]);
    // Loading as the restore role made for this job, which owns the half-made database.
    expect(await restoreRoles()).toEqual([expect.stringMatching(new RegExp(`^opsdeck_restore_${killed.id}_[0-9a-f]{8}$`))]);

    await recoverInterruptedJobs(BACKUP_RECOVERY);
    cleanBackupTempFiles();
    expect(getJob(killed.id)!.status).toBe('interrupted');
    expect(await extraDbs()).toEqual([]);
    expect(await restoreRoles()).toEqual([]);
    expect(eventsAfter(killed.id, 0).map((e) => e.text).join('\n')).toMatch(/Dropped the restore role opsdeck_restore_/);
    expect(tempFiles()).toEqual([]);
    // Untouched: still the live data, including what was written after the backup; the app serves it.
    expect((await env.demo.http('/healthz')).status).toBe(200);
    expect(await env.memos()).toEqual(expect.arrayContaining(['memo from before', 'memo after the backup']));
    const [{ n }] = await env.sql<{ n: string }>('SELECT count(*) AS n FROM filler');
    expect(Number(n)).toBe(150000);
  }, 300_000);

  it('mid-restore (after the swap, app stopped): interrupted, the restored database serves, the app runs again', async () => {
    const backup = listBackups(env.stack).find((e) => e.manifest.reason === 'manual')!;
    child.start({ ...env.env, CHILD_JOB: 'restore', CHILD_BACKUP_ID: backup.id });
    // swap.start-app is logged once the rename has committed and while the app is still stopped:
    // killed there, the swap has certainly happened and nothing has started the app again.
    const killed = await killWhen((j) => steps(j.id).includes('swap.start-app'), 300_000);
    expect(steps(killed.id)).toEqual(expect.arrayContaining(['restore.load', 'restore.check', 'swap.stop-app', 'swap.rename', 'swap.start-app']));
    await recoverInterruptedJobs(BACKUP_RECOVERY);
    const job = getJob(killed.id)!;
    expect(job.status).toBe('interrupted');
    const log = eventsAfter(job.id, 0).map((e) => e.text).join('\n');
    const kept = /the previous one is kept as (memos__kept_\d{8}_\d{6}_\d+)/.exec(log)?.[1];
    expect(log).toContain(`The swap had happened: memos is the restored database (complete and checked before the swap); the previous one is kept as ${kept}`);
    expect(log).toMatch(/The app \(memos\) is running and healthy/);
    expect((await env.demo.http('/healthz')).status).toBe(200);
    expect((await extraDbs()).filter((n) => n.includes('__restore_'))).toEqual([]);
    // The backup's data serves; what was written after it is in the kept database, for "Undo restore".
    const memos = await env.memos();
    expect(memos).toContain('memo from before');
    expect(memos).not.toContain('memo after the backup');
    const keptRows = await env.sql<{ content: string }>('SELECT content FROM memo', [], kept);
    expect(keptRows.map((r) => r.content)).toContain('memo after the backup');
    expect(listJobs('demo').every((j) => j.status !== 'running')).toBe(true);
  }, 400_000);

  it('a load that fails: nothing changed, no scratch database left, no safety dump taken', async () => {
    // A plain dump that verifies (markers, nothing refused) but fails when loaded: psql stops at once.
    const dir = path.join(env.dataDir, 'failing');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'fails.sql'), '--\n-- PostgreSQL database dump\n--\nCREATE TABLE public.t (id integer);\nSELECT 1/0;\n--\n-- PostgreSQL database dump complete\n--\n');
    const imported = await startImportDirectoryJob(env.stack, dir, 'alice').done;
    expect(imported.summary).toMatch(/^Imported 1 backup/);
    const failing = listBackups(env.stack).find((e) => e.manifest.importedFrom === 'fails.sql')!;
    const before = await env.memos();

    const job = await startRestoreJob(env.stack, failing.id, 'alice').done;
    const log = eventsAfter(job.id, 0).map((e) => e.text).join('\n');
    expect(job.status, log).toBe('failed');
    expect(job.summary).toBe("PostgreSQL rejected the backup's SQL (division by zero). Nothing was changed in the live database.");
    // The live database is never touched before the swap, so no safety dump precedes the load.
    expect(steps(job.id)).toEqual(['restore.checksum', 'restore.load']);
    expect(listBackups(env.stack).filter((e) => e.manifest.jobId === job.id)).toEqual([]);
    expect(tempFiles()).toEqual([]);
    expect(await extraDbs()).toEqual(expect.not.arrayContaining([expect.stringContaining('__restore_')]));
    expect(await env.memos()).toEqual(before);
    const [{ n }] = await env.sql<{ n: string }>('SELECT count(*) AS n FROM filler');
    expect(Number(n)).toBe(150000);
  }, 300_000);
});
