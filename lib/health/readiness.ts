import { pingDocker } from '@/lib/docker';
import { getDb } from '@/lib/store';

export interface Readiness {
  ready: boolean;
  checks: { store: boolean; docker: boolean };
}

/** A probe answers within this or counts as failed: a wedged engine must not hang /api/ready. */
export const DOCKER_PING_TIMEOUT_MS = 2000;

/**
 * Taking the write lock and releasing it proves the store is writable without changing it. The
 * store's connection waits up to busy_timeout for a lock, synchronously, blocking the event loop:
 * the check sets it to 0 for its two statements (nothing else can run in between) and restores it.
 */
function storeWritable(): boolean {
  let db;
  try {
    db = getDb();
  } catch {
    return false;
  }
  const saved = Number(db.pragma('busy_timeout', { simple: true }));
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return true;
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${Number.isFinite(saved) ? saved : 5000}`);
  }
}

/** `p`'s value, or `fallback` once `ms` passed (or `p` failed). The late result is ignored. */
export async function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when the engine answers within `timeoutMs`. */
export function dockerReachable(timeoutMs = DOCKER_PING_TIMEOUT_MS): Promise<boolean> {
  return within(pingDocker().then((r) => r.ok), timeoutMs, false);
}

export async function readiness(opts: { dockerTimeoutMs?: number } = {}): Promise<Readiness> {
  const store = storeWritable();
  const docker = await dockerReachable(opts.dockerTimeoutMs);
  return { ready: store && docker, checks: { store, docker } };
}
