/**
 * Continuous archiving of a stack's WAL: a replication slot on the server, a pg_receivewal helper
 * container of the database's own image streaming through it into the backup folder, and base
 * backups. The slot keeps every segment on the server while the receiver is down (restarted, or
 * Opsdeck away), so nothing is skipped; the slot watch drops it before it fills the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listHelpers, removeHelper, startHelperBeside, helperExit, helperLogs } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { pgServerQuery, pgTools, quoteLiteral, type PgTools } from '@/lib/postgres/tools';
import { closeKeptQuery, keptServerQuery } from '@/lib/postgres/kept-query';
import type { Stack } from '@/lib/stacks/types';
import { addEvent, currentEpoch, pitrDir, readState, receiverName, slotName, stamp, updateState, walDir, type Epoch } from './layout';
import { latestBaseBackup, takeBaseBackup, type BaseBackup } from './base-backup';
import { describePrerequisites, pitrPrerequisites } from './prerequisites';

export const RECEIVER_ROLE = 'wal-receiver';
/** The receiver's CPU weight (Docker's default is 1024): an eighth of the database's when cores are contended. */
export const RECEIVER_CPU_SHARES = 128;
/** The watch's kept connection (lib/postgres/kept-query.ts), closed when archiving stops. */
export const WATCH_PURPOSE = 'pitr-watch';
type Log = (text: string, level?: 'info' | 'warn' | 'error') => void;

export interface SlotInfo {
  exists: boolean;
  active: boolean;
  retainedBytes: number;
  /** Receiver's flush position (null when no receiver is connected). */
  flushLsn: string | null;
  /** Receiver's write position, reported every second (null when no receiver is connected). */
  writeLsn: string | null;
  currentLsn: string;
  now: string;
}

export function databaseService(stack: Stack): string {
  const service = stack.database?.service;
  if (!service) throw new OpsdeckError('config_invalid', say('errors.pitr.needsService', { stack: stack.name }));
  return service;
}

/** `query` runs server-wide SQL: psql by default, the watch passes its kept connection (watch.ts). */
export async function slotInfo(tools: PgTools, slot: string, query = (sql: string) => pgServerQuery(tools, sql)): Promise<SlotInfo> {
  const rows = await query(`SELECT now(), pg_current_wal_lsn(), s.slot_name IS NOT NULL, coalesce(s.active, false),
    coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn), 0)::bigint, r.flush_lsn, r.write_lsn
    FROM (SELECT 1) x LEFT JOIN pg_replication_slots s ON s.slot_name = ${quoteLiteral(slot)} LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid`);
  const [now, currentLsn, exists, active, retained, flush, write] = rows[0];
  return { now: new Date(now).toISOString(), currentLsn, exists: exists === 't', active: active === 't', retainedBytes: Number(retained), flushLsn: flush || null, writeLsn: write || null };
}

/**
 * slotInfo over the stack's kept connection, not a `docker exec psql` per look: that costs the
 * database container about 30 ms of CPU each time (lib/postgres/kept-query.ts).
 */
export const keptSlotInfo = (stack: Stack, tools: PgTools, slot: string) => slotInfo(tools, slot, (sql) => keptServerQuery(stack, tools, WATCH_PURPOSE, sql));

async function receiverRunning(stack: Stack): Promise<boolean> {
  const all = await listHelpers(stack, RECEIVER_ROLE);
  for (const h of all.filter((x) => !x.running)) await removeHelper(h.id, stack);
  return all.some((h) => h.running);
}

async function startReceiver(stack: Stack, tools: PgTools, epoch: Epoch): Promise<string> {
  const [[port]] = await pgServerQuery(tools, "SELECT current_setting('port')");
  fs.mkdirSync(walDir(stack, epoch.id), { recursive: true });
  // As Opsdeck's own user: the segments are Opsdeck's files to checksum and remove.
  const user = process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined;
  return startHelperBeside(stack, databaseService(stack), {
    role: RECEIVER_ROLE,
    name: receiverName(stack),
    // Not --synchronous: that fsyncs every message the server sends, i.e. about once per commit under
    // load, doubling the database's own fsyncs on the same disk. The position
    // written is reported every second and Opsdeck makes it durable itself (durableArchivePosition).
    cmd: ['pg_receivewal', '-D', `/pitr/wal/${epoch.id}`, '-S', epoch.slot, '--status-interval=1', '--no-password'],
    env: { PGHOST: '127.0.0.1', PGPORT: port, PGUSER: tools.conn.user, PGPASSWORD: tools.conn.password, HOME: '/tmp' },
    binds: [`${pitrDir(stack)}:/pitr`],
    user,
    // A low weight, not a cap: on a busy machine the database (and its app) come first; the
    // receiver needs about 5 % of one core at 2000 commits/s and lags by seconds, not by a
    // minute, when it waits its turn (the slot keeps what it has not read yet).
    cpuShares: RECEIVER_CPU_SHARES,
  });
}

/** Waits until the slot has a connected receiver; throws with the receiver's own words if it died. */
async function waitStreaming(stack: Stack, tools: PgTools, slot: string, id: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await keptSlotInfo(stack, tools, slot)).active) return;
    const exit = await helperExit(id, stack).catch(() => ({ exitCode: -1 }));
    if (exit) {
      const said = await helperLogs(id, 20, stack);
      throw new OpsdeckError('conflict', say('errors.pitr.receiverStopped', { code: String(exit.exitCode), said: said.split('\n').slice(-3).join(' / ') }), { detail: said });
    }
    if (Date.now() > deadline) throw new OpsdeckError('conflict', say('errors.pitr.receiverNoConnect', { stack: stack.name, seconds: String(timeoutMs / 1000) }));
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface EnsureResult {
  epoch: Epoch;
  /** A new slot (and so a new epoch) was made: the window restarts at its first base backup. */
  newEpoch: boolean;
  receiverStarted: boolean;
  baseBackup: BaseBackup | null;
}

/**
 * Makes archiving run: the slot (a new epoch when it is gone), the receiver, and a base backup when
 * the epoch has none yet or the newest is older than `baseBackupHours`.
 */
export async function ensureArchiving(stack: Stack, log: Log = () => undefined, signal?: AbortSignal): Promise<EnsureResult> {
  const tools = pgTools(stack);
  const settings = stack.pitr;
  const slot = slotName(stack);
  const info = await keptSlotInfo(stack, tools, slot);
  let epoch = currentEpoch(readState(stack));
  let newEpoch = false;
  if (!info.exists || !epoch || epoch.slot !== slot) {
    const missing = await pitrPrerequisites(tools);
    if (missing.length) throw new OpsdeckError('conflict', say('errors.pitr.notSetUp', { stack: stack.name, missing: describePrerequisites(missing) }));
    for (const h of await listHelpers(stack, RECEIVER_ROLE)) await removeHelper(h.id, stack);
    let startLsn: string;
    if (info.exists) {
      [[startLsn]] = await pgServerQuery(tools, `SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)}`);
    } else {
      [[startLsn]] = await pgServerQuery(tools, `SELECT lsn FROM pg_create_physical_replication_slot(${quoteLiteral(slot)}, true)`);
    }
    const fresh: Epoch = { id: stamp(), slot, startedAt: new Date().toISOString(), startLsn, endedAt: null, endReason: null, latestAt: null };
    updateState(stack, (s) => {
      const old = currentEpoch(s);
      if (old) {
        old.endedAt = fresh.startedAt;
        old.endReason = 'the replication slot was gone';
        addEvent(s, 'warn', `The replication slot of epoch ${old.id} was gone; a new one was made. Points between ${old.latestAt ?? old.startedAt} and the next base backup cannot be restored.`);
      }
      s.epochs.push(fresh);
      s.samples = [];
      addEvent(s, 'info', `Archiving started: slot ${slot} from ${startLsn}.`);
    });
    epoch = fresh;
    newEpoch = true;
    log(`Made the replication slot ${slot} (WAL kept from ${startLsn}).`);
  }
  let receiverStarted = false;
  if (!(await receiverRunning(stack))) {
    const id = await startReceiver(stack, tools, epoch);
    await waitStreaming(stack, tools, slot, id);
    receiverStarted = true;
    log(`Started pg_receivewal (container ${receiverName(stack)}) into ${walDir(stack, epoch.id)}.`);
  }
  const newest = latestBaseBackup(stack, epoch.id);
  const dueMs = (settings?.baseBackupHours ?? 24) * 3600_000;
  let baseBackup: BaseBackup | null = null;
  // A new slot starts mid-way: until a base backup is taken after it, its WAL restores nothing.
  if (newEpoch || !newest || Date.now() - Date.parse(newest.finishedAt) > dueMs) {
    log('Taking a base backup (pg_basebackup), verified with pg_verifybackup.');
    baseBackup = await takeBaseBackup(stack, tools, epoch.id, signal);
    log(`Base backup ${baseBackup.id} written and verified (${Math.round(baseBackup.sizeBytes / 1048576)} MB).`);
  }
  return { epoch, newEpoch, receiverStarted, baseBackup };
}

/** Switches archiving off: receiver removed, slot dropped (it would hold WAL forever), epoch ended. */
export async function stopArchiving(stack: Stack, reason: string): Promise<void> {
  for (const h of await listHelpers(stack, RECEIVER_ROLE)) await removeHelper(h.id, stack);
  await closeKeptQuery(stack, WATCH_PURPOSE);
  const tools = pgTools(stack);
  const slot = slotName(stack);
  await dropSlot(tools, slot);
  updateState(stack, (s) => {
    const e = currentEpoch(s);
    if (e) {
      e.endedAt = new Date().toISOString();
      e.endReason = reason;
    }
    addEvent(s, 'info', `Archiving stopped: ${reason}.`);
  });
}

export async function dropSlot(tools: PgTools, slot: string): Promise<void> {
  // An active slot cannot be dropped: its walsender (the receiver just removed) may linger a moment.
  for (let i = 0; ; i++) {
    try {
      await pgServerQuery(tools, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)}`);
      return;
    } catch (e) {
      if (i >= 40 || !/is active/.test((e as Error).message)) throw e;
      await pgServerQuery(tools, `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slot)} AND active_pid IS NOT NULL`).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export const walDirOf = (stack: Stack, epoch: string) => path.join(pitrDir(stack), 'wal', epoch);

/**
 * How far the archive is on disk for certain. pg_receivewal fsyncs a segment before it renames it
 * complete; the open one (`.partial`) Opsdeck fsyncs here, once per check, after reading the write
 * position the receiver reported: everything up to that position was written before the report, so it
 * is durable once the fsync returns. Falls back to the receiver's own flush position.
 */
export function durableArchivePosition(stack: Stack, epochId: string, info: SlotInfo): string | null {
  if (!info.writeLsn) return info.flushLsn;
  const dir = walDirOf(stack, epochId);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.partial'));
  } catch {
    return info.flushLsn;
  }
  for (const name of names) {
    let fd: number;
    try {
      fd = fs.openSync(path.join(dir, name), 'r');
    } catch {
      continue; // completed and renamed meanwhile: pg_receivewal fsynced it first
    }
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  return info.writeLsn;
}
