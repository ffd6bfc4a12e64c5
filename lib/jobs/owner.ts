import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

/**
 * Which process runs a job. A pid alone is not enough: in a container Opsdeck is often pid 1 on
 * every start, so a restarted Opsdeck would take its predecessor's jobs for its own. The instance
 * id is new per process; the heartbeat covers processes on another host sharing the data dir.
 */
const holder = globalThis as typeof globalThis & { __opsdeckInstance?: string };

export interface OwnerInfo {
  host: string;
  pid: number;
  instance: string;
}

export function ownerInfo(): OwnerInfo {
  holder.__opsdeckInstance ??= randomUUID();
  return { host: os.hostname(), pid: process.pid, instance: holder.__opsdeckInstance };
}

/** A job whose owner has not written a heartbeat for this long is considered dead. */
export const HEARTBEAT_STALE_MS = 30_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process nobody has reaped yet (a zombie: common in containers whose pid 1 does not
  // reap) still answers kill(pid, 0), but is dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

export function ownerIsGone(
  row: { owner_host: string | null; owner_pid: number | null; owner_instance: string | null; heartbeat_at: string | null },
  now: number = Date.now(),
): boolean {
  const me = ownerInfo();
  if (row.owner_instance === me.instance) return false;
  if (row.owner_host === me.host && row.owner_pid !== null && !pidAlive(row.owner_pid)) return true;
  // Same pid as ours but another instance: our predecessor in this container, gone.
  if (row.owner_host === me.host && row.owner_pid === me.pid) return true;
  const beat = row.heartbeat_at ? Date.parse(row.heartbeat_at) : 0;
  return now - beat > HEARTBEAT_STALE_MS;
}
