/**
 * "Kill Opsdeck mid-job": the job runs in a child process (tests/support/job-child), which is
 * SIGKILLed in the middle of its work — no chance to clean up. Then the startup recovery runs, as
 * at the next start of Opsdeck, and the outcome is checked against the real stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_RECOVERY, cleanBackupTempFiles, listBackups, startBackupJob } from '../../lib/backup';
import { eventsAfter, getJob, listJobs, recoverInterruptedJobs, runningJob, type Job } from '../../lib/jobs';
import { REPO_ROOT, startBackupEnv, type BackupEnv } from '../support/backup-env';

let env: BackupEnv;
let child: ChildProcess | null = null;
let childOutput = '';

function startChild(extra: Record<string, string>): ChildProcess {
  childOutput = '';
  const c = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'tests/support/job-child/vitest.config.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env.env, ...extra },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  c.stdout!.on('data', (d) => (childOutput += d));
  c.stderr!.on('data', (d) => (childOutput += d));
  return c;
}

/** Waits until the stack's running job satisfies `ready`, then SIGKILLs the child's whole process group. */
async function killWhen(ready: (job: Job) => boolean, timeoutMs = 180_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = runningJob('demo');
    if (job && ready(job)) {
      process.kill(-child!.pid!, 'SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      child = null;
      return getJob(job.id)!;
    }
    if (child!.exitCode !== null) throw new Error(`the child ended before the kill point:\n${childOutput}`);
    if (Date.now() > deadline) throw new Error(`kill point not reached in time:\n${childOutput}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const steps = (jobId: string) => eventsAfter(jobId, 0, 10_000).filter((e) => e.type === 'step').map((e) => (e.data as { name: string }).name);
const tempFiles = () => fs.readdirSync(env.stack.backupDir).filter((f) => f.startsWith('.tmp-'));
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
    if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    child = null;
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('mid-backup: the job is interrupted, no partial backup is listed, the temp file is gone', async () => {
    child = startChild({ CHILD_JOB: 'backup' });
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

    child = startChild({ CHILD_JOB: 'restore', CHILD_BACKUP_ID: backup.id });
    const killed = await killWhen((j) => (j.progress?.phase ?? '').startsWith('Restoring into') && (j.progress?.bytes ?? 0) > 1024 * 1024);
    expect(await extraDbs()).toEqual([`memos__restore_${killed.id}`]);

    await recoverInterruptedJobs(BACKUP_RECOVERY);
    cleanBackupTempFiles();
    expect(getJob(killed.id)!.status).toBe('interrupted');
    expect(await extraDbs()).toEqual([]);
    expect(tempFiles()).toEqual([]);
    // Untouched: still the live data, including what was written after the backup; the app serves it.
    expect((await fetch(`${env.demo.appUrl}/healthz`)).status).toBe(200);
    expect(await env.memos()).toEqual(expect.arrayContaining(['memo from before', 'memo after the backup']));
    const [{ n }] = await env.sql<{ n: string }>('SELECT count(*) AS n FROM filler');
    expect(Number(n)).toBe(150000);
  }, 300_000);

  it('mid-restore (after the swap, waiting for the app): interrupted, the restored database serves, the app runs', async () => {
    const backup = listBackups(env.stack).find((e) => e.manifest.reason === 'manual')!;
    child = startChild({ CHILD_JOB: 'restore', CHILD_BACKUP_ID: backup.id });
    // Killed right after the app was stopped and the databases renamed, before it is healthy again.
    const killed = await killWhen((j) => steps(j.id).includes('swap.rename'), 300_000);
    await recoverInterruptedJobs(BACKUP_RECOVERY);
    const job = getJob(killed.id)!;
    expect(job.status).toBe('interrupted');
    const log = eventsAfter(job.id, 0).map((e) => e.text).join('\n');
    expect(log).toMatch(/The swap had (not )?happened/);
    expect(log).toMatch(/The app \(memos\) is running and healthy/);
    expect((await fetch(`${env.demo.appUrl}/healthz`)).status).toBe(200);
    expect((await extraDbs()).filter((n) => n.includes('__restore_'))).toEqual([]);
    const memos = await env.memos();
    expect(memos).toContain('memo from before');
    // Either the swap completed (restored data) or not (live data): never a mix, never empty.
    const swapped = log.includes('The swap had happened');
    if (swapped) expect(memos).not.toContain('memo after the backup');
    else expect(memos).toContain('memo after the backup');
    expect(listJobs('demo').every((j) => j.status !== 'running')).toBe(true);
  }, 400_000);
});
