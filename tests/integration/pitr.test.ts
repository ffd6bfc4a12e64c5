/**
 * Continuous WAL archiving and point-in-time restore against the real engine: the demo stack's
 * PostgreSQL 17, pg_receivewal in a helper container beside it, base backups, throwaway rebuilds.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_RECOVERY, pgTools } from '../../lib/backup';
import { killHelper, listHelpers, removeHelper } from '../../lib/docker';
import { eventsAfter, getJob, recoverInterruptedJobs, runningJob } from '../../lib/jobs';
import { runDoctor } from '../../lib/doctor';
import { addTarget } from '../../lib/notify';
import {
  ensureArchiving, markArchived, PITR_RECOVERY, pitrPrerequisites, planTarget, readState, RECEIVER_CPU_SHARES, RECEIVER_ROLE, REBUILD_ROLE, recoveryWindow, startPointRestoreJob, walDir, watchArchive,
} from '../../lib/pitr';
import { PITR_DEFAULTS } from '../../lib/stacks/pitr-schema';
import { REPO_ROOT, startBackupEnv, type BackupEnv } from '../support/backup-env';

let env: BackupEnv;
const logOf = (jobId: string) => eventsAfter(jobId, 0, 10_000).map((e) => e.text).join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Probe { id: number; label: string; at: string }
const probes = async () => (await env.sql<{ id: number; label: string; at: Date }>('SELECT id, label, at FROM pitr_probe ORDER BY id')).map((r) => ({ id: r.id, label: r.label, at: r.at.toISOString() }));
async function insert(label: string): Promise<Probe> {
  const [r] = await env.sql<{ id: number; at: Date }>('INSERT INTO pitr_probe (label) VALUES ($1) RETURNING id, at', [label]);
  return { id: r.id, label, at: r.at.toISOString() };
}
/** A server time strictly between two commits (the rows' clock_timestamp() at insert). */
async function serverNow(): Promise<Date> {
  const [r] = await env.sql<{ now: Date }>('SELECT clock_timestamp() AS now');
  return r.now;
}
/** Closes the current WAL segment so the receiver completes it. */
const switchWal = () => env.sql("SELECT pg_switch_wal(), txid_current()");
const segmentsOf = (epoch: string) => fs.readdirSync(walDir(env.stack, epoch)).filter((f) => /^[0-9A-F]{24}$/.test(f)).sort();
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('point-in-time restore (real Docker + PostgreSQL)', () => {
  beforeAll(async () => {
    // The demo's compose healthcheck gives initdb about a minute; on a loaded machine it can take
    // longer and compose gives up: a fresh project is tried again (a new project, nothing shared).
    for (let attempt = 1; ; attempt++) {
      try {
        env = await startBackupEnv({ timeoutMs: 240_000 });
        break;
      } catch (e) {
        if (attempt >= 3 || !/is unhealthy/.test((e as Error).message)) throw e;
      }
    }
    env.stack.pitr = { enabled: true, ...PITR_DEFAULTS };
    await env.sql('CREATE TABLE pitr_probe (id serial PRIMARY KEY, label text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
  }, 900_000);
  afterAll(async () => {
    if (env) for (const role of [RECEIVER_ROLE, REBUILD_ROLE]) for (const h of await listHelpers(env.stack, role).catch(() => [])) await removeHelper(h.id).catch(() => undefined);
    await env?.cleanup();
  });

  let before: Probe[] = [];

  it('archives continuously and restores to a time between two rows: exactly the rows before it', async () => {
    // The demo's (official-image-shaped) server needs no setting changed.
    expect(await pitrPrerequisites(pgTools(env.stack))).toEqual([]);
    const first = await ensureArchiving(env.stack);
    expect(first.newEpoch).toBe(true);
    expect(first.baseBackup?.verified.ok).toBe(true);
    const again = await ensureArchiving(env.stack);
    expect(again).toMatchObject({ newEpoch: false, receiverStarted: false, baseBackup: null });

    before = [await insert('one'), await insert('two')];
    await sleep(300);
    const target = await serverNow();
    await sleep(300);
    await insert('three');
    await switchWal();
    const four = await insert('four');
    // The receiver reports what it has written once a second and each check makes that durable:
    // within seconds the window reaches the last row (the periodic check runs every 5 s).
    const w = await waitFor('the archive to cover the last row', async () => {
      await watchArchive(env.stack);
      const now = await recoveryWindow(env.stack);
      return now.latest && now.latest >= four.at ? now : null;
    }, 15_000);

    // Refusals: the future, before the window.
    expect(w.earliest).not.toBeNull();
    expect(() => planTarget(w, new Date(Date.now() + 3600_000))).toThrow(/in the future/);
    expect(() => planTarget(w, new Date(Date.parse(w.earliest!) - 60_000))).toThrow(/outside the recoverable window/);

    const job = await startPointRestoreJob(env.stack, target, 'alice', { healthTimeoutMs: 120_000 }).done;
    expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
    expect(await probes()).toEqual(before);
    expect(logOf(job.id)).toMatch(/Removed the throwaway rebuild container/);
    expect(await listHelpers(env.stack, REBUILD_ROLE)).toEqual([]);
    expect(fs.existsSync(path.join(env.stack.backupDir, 'pitr', 'work', job.id))).toBe(false);
  }, 240_000);

  it('the watch looks at the slot over one kept connection, not a new psql each time, and gets a new one when the server drops it', async () => {
    const watchers = async () => (await env.sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'opsdeck-pitr-watch'")).map((r) => r.pid);
    await watchArchive(env.stack);
    const first = await watchers();
    expect(first).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect((await watchArchive(env.stack)).live).toBe(true);
    expect(await watchers()).toEqual(first);
    await env.sql('SELECT pg_terminate_backend($1)', [first[0]]);
    // The look right after still answers (psql, when the kept connection fails), then a new one is kept.
    expect((await watchArchive(env.stack)).live).toBe(true);
    const next = await waitFor('a new watch connection', async () => {
      await watchArchive(env.stack);
      const now = await watchers();
      return now.length === 1 && now[0] !== first[0] ? now : null;
    });
    expect(next).toHaveLength(1);
  }, 60_000);

  it('loses no segment when the receiver is killed and started again (the slot keeps the WAL)', async () => {
    const epoch = readState(env.stack).epochs.at(-1)!.id;
    const [receiver] = await listHelpers(env.stack, RECEIVER_ROLE);
    await killHelper(receiver.id);
    for (let i = 0; i < 3; i++) {
      await insert(`while down ${i}`);
      await switchWal();
    }
    const r = await ensureArchiving(env.stack);
    expect(r).toMatchObject({ newEpoch: false, receiverStarted: true });
    // A low CPU weight and no cap: the database comes first only when the cores are all busy.
    const [again] = await listHelpers(env.stack, RECEIVER_ROLE);
    const limits = execFileSync('docker', ['inspect', '-f', '{{.HostConfig.CpuShares}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}}', again.id], { encoding: 'utf8' });
    expect(limits.trim()).toBe(`${RECEIVER_CPU_SHARES} 0 0`);
    await insert('after restart');
    await switchWal();
    const [[, current]] = (await env.sql<{ f: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS f')).map((x) => [0, x.f]);
    // Every segment before the current one is archived, in one unbroken run.
    await waitFor('the archive to catch up', async () => segmentsOf(epoch).at(-1)! >= String(current).replace(/.{8}$/, (m) => (parseInt(m, 16) - 1).toString(16).toUpperCase().padStart(8, '0')));
    const w = await recoveryWindow(env.stack, { verify: true });
    expect(w.gaps).toEqual([]);
    const segs = segmentsOf(epoch);
    const nums = segs.map((s) => parseInt(s.slice(16), 16));
    expect(nums).toEqual(nums.map((_, i) => nums[0] + i));
  }, 120_000);

  it('kill -9 of Opsdeck during a point-in-time restore leaves the live database as it was, cleaned up on restart', async () => {
    const live = await probes();
    const target = await serverNow();
    await insert('after target');
    const liveNow = await probes();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'tests/support/job-child/vitest.config.ts'], {
      cwd: REPO_ROOT, env: { ...process.env, ...env.env, CHILD_JOB: 'pitr-restore', CHILD_TARGET: target.toISOString() }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess;
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    try {
      const job = await waitFor('the rebuild to be replaying', async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`child ended early:\n${out}`);
        const j = runningJob('demo');
        return j && (await listHelpers(env.stack, REBUILD_ROLE)).length > 0 ? j : null;
      }, 180_000);
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await sleep(500);
      expect(await listHelpers(env.stack, REBUILD_ROLE)).toHaveLength(1);
      expect(await recoverInterruptedJobs({ ...BACKUP_RECOVERY, ...PITR_RECOVERY })).toEqual([job.id]);
      expect(getJob(job.id)!.status).toBe('interrupted');
      expect(logOf(job.id)).toMatch(/Removed the throwaway rebuild container/);
      expect(await listHelpers(env.stack, REBUILD_ROLE)).toEqual([]);
      expect(fs.existsSync(path.join(env.stack.backupDir, 'pitr', 'work', job.id))).toBe(false);
      expect(await probes()).toEqual(liveNow);
      expect(liveNow.length).toBe(live.length + 1);
    } finally {
      // A child killed by a signal has exitCode null: only a live one is killed, so a failure above stays the one reported.
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  }, 240_000);

  it('a missing segment is a gap: points after it are refused, points before it are not', async () => {
    const epoch = readState(env.stack).epochs.at(-1)!.id;
    await insert('before the hole');
    await switchWal();
    await insert('in the hole');
    await switchWal();
    await insert('after the hole');
    await switchWal();
    await watchArchive(env.stack);
    const segs = await waitFor('three more segments', async () => (segmentsOf(epoch).length >= 5 ? segmentsOf(epoch) : null));
    const victim = segs[segs.length - 2];
    const aside = path.join(env.dataDir, victim);
    fs.renameSync(path.join(walDir(env.stack, epoch), victim), aside);
    try {
      const w = await recoveryWindow(env.stack);
      expect(w.gaps).toHaveLength(0); // the hole ends the only piece: the window just stops before it
      expect(w.latest! < new Date().toISOString()).toBe(true);
      const after = new Date(Date.now() - 100);
      expect(() => planTarget(w, after)).toThrow(/outside the recoverable window|falls in a gap/);
      expect(() => planTarget(w, new Date(w.earliest!))).not.toThrow();
    } finally {
      fs.renameSync(aside, path.join(walDir(env.stack, epoch), victim));
    }
    expect((await recoveryWindow(env.stack)).latest! > new Date(Date.now() - 30_000).toISOString()).toBe(true);
  }, 120_000);

  it('drops the slot with a notification when it holds too much WAL; a new slot restarts the window after a new base backup, and "now" restores exactly', async () => {
    const got: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push((JSON.parse(body) as { event: string }).event);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      addTarget('demo', { name: 'pitr', format: 'generic', url: `http://127.0.0.1:${port}/hook`, events: ['pitr.slot-dropped'], allowPrivate: true }, 'admin');
      const [receiver] = await listHelpers(env.stack, RECEIVER_ROLE);
      await killHelper(receiver.id);
      for (let i = 0; i < 3; i++) {
        await insert(`unarchived ${i}`);
        await switchWal();
      }
      const limited = { ...env.stack, pitr: { ...env.stack.pitr!, slotLimitMb: 32 } };
      const status = await watchArchive(limited);
      expect(status.slotDropped).toBe(true);
      expect((await env.sql("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'opsdeck_pitr_%'"))).toEqual([]);
      expect(readState(env.stack).events.at(-1)).toMatchObject({ level: 'error', text: expect.stringMatching(/dropped it to keep the disk from filling/) });
      await waitFor('the notification', async () => got.includes('pitr.slot-dropped'));

      // Switched on again under load: a new slot, a new WAL folder, a base backup before the window continues.
      const writer = (async () => {
        for (let i = 0; i < 20; i++) await insert(`load ${i}`);
      })();
      const r = await ensureArchiving(env.stack);
      await writer;
      expect(r.newEpoch).toBe(true);
      expect(r.baseBackup).not.toBeNull();
      // The new epoch's window reaches "now" only once the receiver has confirmed the newest WAL.
      await markArchived(env.stack, pgTools(env.stack));
      const w = await recoveryWindow(env.stack);
      expect(w.gaps.length).toBe(1);
      expect(() => planTarget(w, new Date((Date.parse(w.gaps[0].from) + Date.parse(w.gaps[0].to)) / 2))).toThrow(/falls in a gap/);

      const rows = await probes();
      await sleep(200);
      const now = await serverNow();
      await insert('after now');
      const job = await startPointRestoreJob(env.stack, now, 'alice', { healthTimeoutMs: 120_000 }).done;
      expect(job.status, `${job.summary}\n${logOf(job.id)}`).toBe('succeeded');
      expect(await probes()).toEqual(rows);
    } finally {
      server.close();
    }
  }, 300_000);
  it('the config check names what the server lacks for archiving, and why: here, the pg_hba.conf replication line', async () => {
    const before = await runDoctor(env.stack);
    expect(before.findings.filter((f) => f.kind === 'pitr-setting')).toEqual([]);
    expect(before.checked).toContain('the PostgreSQL settings that continuous archiving needs');
    const tools = pgTools(env.stack);
    const sh = async (script: string) => expect((await tools.run(['sh', '-c', script])).exitCode).toBe(0);
    await sh('cp "$PGDATA/pg_hba.conf" /tmp/pg_hba.keep && sed -i "/replication/d" "$PGDATA/pg_hba.conf"');
    try {
      const after = await runDoctor(env.stack);
      expect(after.findings.filter((f) => f.kind === 'pitr-setting')).toEqual([
        expect.objectContaining({ severity: 'error', title: 'Point-in-time archiving needs pg_hba.conf changed', fix: expect.stringMatching(/^add "host replication all 127\.0\.0\.1\/32 scram-sha-256" to pg_hba\.conf and reload: the receiver connects/) }),
      ]);
    } finally {
      await sh('cp /tmp/pg_hba.keep "$PGDATA/pg_hba.conf"');
    }
    expect((await runDoctor(env.stack)).findings.filter((f) => f.kind === 'pitr-setting')).toEqual([]);
  }, 60_000);
});
