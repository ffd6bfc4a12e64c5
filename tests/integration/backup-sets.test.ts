/**
 * Backup sets against the real engine: the demo stack's database dump plus its `memos_data` volume,
 * read through a never-started helper container, restored byte for byte.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupFiles, deleteBackupFiles, getBackup, listBackups, startBackupJob, startRestoreJob } from '../../lib/backup';
import { eventsAfter } from '../../lib/jobs';
import { startBackupEnv, type BackupEnv } from '../support/backup-env';

const run = promisify(execFile);
let env: BackupEnv;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const volume = () => `${env.demo.projectName}_memos_data`;
const IMAGE = 'opsdeck/postgres:17';

/** Runs a fixed script in a throw-away container with the app's volume at /v. */
async function inVolume(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['run', '--rm', '--network', 'none', '-v', `${volume()}:/v`, '--entrypoint', 'sh', IMAGE, '-c', script, 'sh', ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** sha256 of every file in the volume, with symlinks and folders: what "byte-identical" is checked against. */
const volumeSums = () => inVolume('cd /v && find . -type f -print0 | sort -z | xargs -0 -r sha256sum; find . -type l | sort | while read l; do echo "$l -> $(readlink "$l")"; done; find . -type d | sort');

describe('backup sets: database + volumes (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    env = await startBackupEnv();
    // Files of every kind the app might keep: nested folders, binary data, a long name, a symlink, an empty file.
    await inVolume([
      'mkdir -p /v/assets/2026/12 /v/empty-dir',
      'head -c 300000 /dev/urandom > /v/assets/2026/12/blob.bin',
      'echo "memo attachment" > /v/note.txt',
      ': > /v/empty.txt',
      `echo long > "/v/assets/${'n'.repeat(120)}.txt"`,
      'ln -s note.txt /v/link-to-note',
    ].join(' && '));
  }, 300_000);
  afterAll(async () => {
    await env?.cleanup();
  });

  it('a backup is a set: the dump and the volume archive, each with its sha256 in one manifest', async () => {
    await env.addMemo('before the set backup');
    const job = await startBackupJob(env.stack, { by: 'alice' }).done;
    const log = logOf(job.id);
    expect(job.status, `${job.summary}\n${log}`).toBe('succeeded');
    const entry = listBackups(env.stack)[0];
    expect(entry.problem).toBeNull();
    const m = entry.manifest;
    expect(m.consistency).toEqual({ mode: 'live', pausedAt: null, pausedMs: null });
    expect(m.volumes).toHaveLength(1);
    const v = m.volumes![0];
    expect(v).toMatchObject({ volume: 'memos_data', file: `${entry.id}.memos_data.tar.gz`, compression: 'gzip' });
    const fileCount = Number((await inVolume('find /v -type f | wc -l')).trim());
    expect(v.files).toBe(fileCount);
    expect(v.bytes).toBeGreaterThanOrEqual(300000);
    const files = backupFiles(entry);
    expect(files.map((f) => [f.kind, f.name])).toEqual([['dump', entry.fileName], ['volume', v.file], ['manifest', `${entry.id}.manifest.json`]]);
    const archive = fs.readFileSync(files[1].path);
    expect(archive.length).toBe(v.size);
    expect(createHash('sha256').update(archive).digest('hex')).toBe(v.sha256);
    // A real gzip'd tar, readable by the standard tools, entries under volume/.
    const { stdout } = await run('tar', ['-tzf', files[1].path]);
    expect(stdout).toContain('volume/assets/2026/12/blob.bin');
    expect(log).toMatch(/Volume memos_data \(.*_memos_data\): \d+ files/);
    expect(fs.readdirSync(env.stack.backupDir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
  }, 300_000);

  it('consistency pause: the app is paused for the volume copy, the time recorded, running again after', async () => {
    const stack = { ...env.stack, backupSet: { volumes: ['memos_data'], consistency: 'pause' as const } };
    const job = await startBackupJob(stack, { by: 'alice' }).done;
    expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
    const m = listBackups(env.stack)[0].manifest;
    expect(m.consistency?.mode).toBe('pause');
    expect(Date.parse(m.consistency!.pausedAt!)).toBeGreaterThan(Date.parse(m.startedAt));
    expect(m.consistency!.pausedMs).toBeGreaterThanOrEqual(0);
    expect(logOf(job.id)).toMatch(/memos was paused for \d+\.\d s/);
    expect((await env.demo.http('/healthz')).status).toBe(200);
  }, 300_000);

  it('a changed volume archive makes the backup unrestorable; deleting a set removes every file', async () => {
    const entry = listBackups(env.stack)[0];
    const [, vol] = backupFiles(entry);
    fs.appendFileSync(vol.path, 'x');
    expect(getBackup(env.stack, entry.id).problem).toMatch(/archive of volume memos_data .* changed or cut short/);
    deleteBackupFiles(env.stack, entry.id);
    for (const f of backupFiles(entry)) expect(fs.existsSync(f.path)).toBe(false);
  });

  const volumesOf = async () => (await run('docker', ['volume', 'ls', '-q', '--filter', `name=${volume()}`])).stdout.split('\n').filter(Boolean).sort();

  let setId = '';
  let sumsAtBackup = '';

  it('restores database and volume: every file byte-identical (sha256), the row added later gone, the previous data kept', async () => {
    sumsAtBackup = await volumeSums();
    const backup = await startBackupJob(env.stack, { by: 'alice' }).done;
    expect(backup.status, backup.summary ?? '').toBe('succeeded');
    setId = listBackups(env.stack)[0].id;
    // Changes after the backup, in the database and in the volume.
    await env.addMemo('after the set backup');
    await inVolume('echo changed > /v/note.txt && rm /v/assets/2026/12/blob.bin && echo new > /v/new-file.txt');
    const sumsChanged = await volumeSums();
    expect(sumsChanged).not.toBe(sumsAtBackup);

    const job = await startRestoreJob(env.stack, setId, 'alice', { healthTimeoutMs: 60_000, parts: 'both' }).done;
    const log = logOf(job.id);
    expect(job.status, `${job.summary}\n${log}`).toBe('succeeded');
    expect(await volumeSums()).toBe(sumsAtBackup);
    expect(await env.memos()).not.toContain('after the set backup');
    expect((await env.demo.http('/healthz')).status).toBe(200);
    expect(log).toMatch(/fingerprint matches the manifest/);
    // The previous data is kept for undo; the volume the backup was loaded into is gone.
    const vols = await volumesOf();
    const kept = vols.filter((v) => v.includes('__kept_'));
    expect(kept).toEqual([expect.stringMatching(new RegExp(`^${volume()}__kept_\\d{8}_\\d{6}_${job.id}$`))]);
    expect(vols.filter((v) => v.includes('__restore_'))).toEqual([]);
    expect(job.summary).toContain(kept[0]);
    const { stdout } = await run('docker', ['run', '--rm', '--network', 'none', '-v', `${kept[0]}:/k:ro`, '--entrypoint', 'cat', IMAGE, '/k/note.txt']);
    expect(stdout.trim()).toBe('changed');
    await run('docker', ['volume', 'rm', kept[0]]);
  }, 400_000);

  it('a volume restore is swapped back when the app does not come healthy: the data as before, no volume left over', async () => {
    await inVolume('echo changed again > /v/note.txt');
    const before = await volumeSums();
    // The same stack, but its health URL answers 404: the app never counts as healthy.
    const sick = { ...env.stack, app: { ...env.stack.app!, healthUrl: env.stack.app!.healthUrl!.replace('/healthz', '/no-such-page') } };
    const job = await startRestoreJob(sick, setId, 'alice', { healthTimeoutMs: 8_000, parts: 'volumes' }).done;
    const log = logOf(job.id);
    expect(job.status, log).toBe('failed');
    expect(job.summary).toMatch(/^The app did not become healthy on the restored volumes within 8 s .*The previous data was put back\.$/);
    expect(log).toContain('Swapping back volume memos_data');
    expect(await volumeSums()).toBe(before);
    expect((await volumesOf()).filter((v) => v !== volume())).toEqual([]);
    // The app runs again (the real health URL answers).
    expect((await env.demo.http('/healthz')).status).toBe(200);
  }, 400_000);

  it('a dump-only backup (no volumes in its manifest) still restores; asking for its volumes is refused', async () => {
    const dumpOnly = { ...env.stack, backupSet: undefined };
    const backup = await startBackupJob(dumpOnly, { by: 'alice' }).done;
    expect(backup.status, backup.summary ?? '').toBe('succeeded');
    const entry = listBackups(env.stack)[0];
    expect(entry.manifest.volumes).toBeUndefined();
    expect(backupFiles(entry).map((f) => f.kind)).toEqual(['dump', 'manifest']);
    const refused = await startRestoreJob(env.stack, entry.id, 'alice', { parts: 'volumes' }).done;
    expect(refused.status).toBe('failed');
    expect(refused.summary).toBe(`Backup ${entry.id} holds no volume archives (a database dump only): restore its database instead.`);
    const job = await startRestoreJob(env.stack, entry.id, 'alice', { healthTimeoutMs: 60_000 }).done;
    expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
    expect((await env.demo.http('/healthz')).status).toBe(200);
  }, 400_000);
});
