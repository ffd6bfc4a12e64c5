import { pingDocker } from '@/lib/docker';
import { askEngine, enginesInUse } from '@/lib/docker/engines-in-use';
import { listStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { getDb } from '@/lib/store';

/** One engine Opsdeck uses: no address and no error text (the route has no auth), its stacks by name. */
export interface EngineReadiness {
  default: boolean;
  reachable: boolean;
  stacks: string[];
}

/**
 * `ready` is whether Opsdeck itself can serve: its store is writable. An engine that does not answer
 * does not make Opsdeck unready (taking it out of a load balancer or restarting it would not bring
 * the engine back, and its pages are what say "engine unreachable"); each engine's state is in
 * `engines`, and `checks.docker` is Opsdeck's own engine (DOCKER_HOST) as before.
 */
export interface Readiness {
  ready: boolean;
  checks: { store: boolean; docker: boolean };
  engines: EngineReadiness[];
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

function configuredStacks(): Stack[] {
  try {
    return listStacks();
  } catch {
    // An invalid config is the pages' to report; the engines Opsdeck knows of are then its own only.
    return [];
  }
}

export async function readiness(opts: { dockerTimeoutMs?: number } = {}): Promise<Readiness> {
  const store = storeWritable();
  const timeoutMs = opts.dockerTimeoutMs ?? DOCKER_PING_TIMEOUT_MS;
  const engines = await Promise.all(enginesInUse(configuredStacks()).map(async (e) => ({
    default: e.isDefault,
    reachable: (await askEngine(e, timeoutMs)).ok,
    stacks: e.stacks,
  })));
  const docker = engines.find((e) => e.default)?.reachable ?? false;
  return { ready: store, checks: { store, docker }, engines };
}
