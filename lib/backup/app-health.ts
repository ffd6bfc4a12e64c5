/**
 * "Is the app back?" after a database swap: every container of the app service running, none
 * unhealthy, and the app's own health URL answering 200 (or, without one, Docker's healthcheck
 * saying healthy).
 */
import { serviceContainers } from '@/lib/docker';
import { stackFetch } from '@/lib/reach/http';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import type { Stack } from '@/lib/stacks/types';

export interface HealthResult {
  ok: boolean;
  /** The last thing seen, keyed: "memos: running (unhealthy); /healthz: 503" (Docker's states as Docker says them). */
  lastSeen: Said;
}

async function probe(stack: Stack, url: string): Promise<string | Said | null> {
  try {
    const res = await stackFetch(stack, url, { timeoutMs: 3000 });
    await res.body?.cancel();
    return res.status === 200 ? null : `HTTP ${res.status}`;
  } catch (e) {
    return (e as Error).name === 'TimeoutError' ? say('health.seen.noAnswer', { seconds: '3' }) : say('health.seen.notAnswering');
  }
}

export async function waitAppHealthy(
  stack: Stack,
  opts: { timeoutMs: number; signal?: AbortSignal; intervalMs?: number },
): Promise<HealthResult> {
  const app = stack.app;
  if (!app) return { ok: true, lastSeen: say('health.seen.noApp') };
  const deadline = Date.now() + opts.timeoutMs;
  let lastSeen = say('health.seen.notChecked');
  for (;;) {
    opts.signal?.throwIfAborted();
    const containers = await serviceContainers(stack, app.service).catch(() => []);
    const running = containers.length > 0 && containers.every((c) => c.state === 'running');
    // With a health URL, its 200 is the proof (Docker's own check may not have run yet: it runs
    // every few seconds); without one, Docker's healthcheck decides. "unhealthy" always fails.
    const healthy = running && containers.every((c) => (app.healthUrl ? c.health !== 'unhealthy' : c.health === 'healthy' || c.health === 'none'));
    const probeProblem = healthy && app.healthUrl ? await probe(stack, app.healthUrl) : null;
    const seen = containers.length === 0
      ? say('health.seen.noContainer', { service: app.service })
      : say('health.seen.containers', { service: app.service, states: containers.map((c) => `${c.state}${c.health !== 'none' ? ` (${c.health})` : ''}`).join(', ') });
    lastSeen = app.healthUrl
      ? say('health.seen.and', { a: seen, b: say('health.seen.url', { path: new URL(app.healthUrl).pathname, result: !healthy ? say('health.seen.notProbed') : (probeProblem ?? 'HTTP 200') }) })
      : seen;
    if (healthy && !probeProblem) return { ok: true, lastSeen };
    if (Date.now() >= deadline) return { ok: false, lastSeen };
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
