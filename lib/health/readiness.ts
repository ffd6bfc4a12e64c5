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

/** True when the engine answers within `timeoutMs`. The late answer of a slow ping is ignored. */
export async function dockerReachable(timeoutMs = DOCKER_PING_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([pingDocker().then((r) => r.ok, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(opts: { dockerTimeoutMs?: number } = {}): Promise<Readiness> {
  const store = storeWritable();
  const docker = await dockerReachable(opts.dockerTimeoutMs);
  return { ready: store && docker, checks: { store, docker } };
}
