import { listStackServices, type StackService } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import { crashFailure, lastLogLines, watchForCrashes } from '@/lib/health/crash-watch';
import { stackFetch } from '@/lib/reach/http';
import type { Emit } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { say } from '@/lib/i18n/server-text';

export const DEFAULT_HEALTH_TIMEOUT_MS = 120_000;

export interface HealthGateOptions {
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/** Healthy means: Docker's healthcheck says healthy (or the service has none and is running). */
function unhealthyServices(services: StackService[]): StackService[] {
  return services.filter((s) => s.declared && s.state !== 'running');
}

async function probeApp(stack: Stack, url: string): Promise<string | null> {
  try {
    const res = await stackFetch(stack, url, { timeoutMs: 3000 });
    await res.body?.cancel();
    return res.ok ? null : `answered HTTP ${res.status}`;
  } catch (e) {
    return `did not answer (${(e as Error).message})`;
  }
}

/**
 * Waits until every service is healthy and the app's own HTTP probe answers. On timeout it fails
 * loudly: which service, in what state, and its last log lines, so nobody has to go digging.
 */
export async function waitForHealthy(stack: Stack, emit: Emit, opts: HealthGateOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const pollMs = opts.pollMs ?? 2000;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const crashes = watchForCrashes(stack, started);
  emit({ type: 'step', name: 'health', ...say('steps.health', { seconds: String(Math.round(timeoutMs / 1000)) }) });
  let lastReport = '';
  for (;;) {
    if (opts.signal?.aborted) throw new OpsdeckError('conflict', say('errors.healthCancelled'));
    const services = await listStackServices(stack);
    const bad = unhealthyServices(services);
    const appProblem = bad.length === 0 && stack.app?.healthUrl ? await probeApp(stack, stack.app.healthUrl) : null;
    if (bad.length === 0 && !appProblem) {
      emit({ type: 'log', ...say('log.allHealthy') });
      return;
    }
    // Between two restarts a crash-looping container is listed as running: ask the engine each time.
    const crash = await crashes.check(services.filter((s) => s.declared).map((s) => s.name));
    if (crash) throw await crashFailure(stack, crash, started);
    const report = bad.length ? bad.map((s) => `${s.name}: ${s.state}`).join(', ') : `app health URL ${stack.app!.healthUrl} ${appProblem}`;
    if (report !== lastReport) emit({ type: 'log', ...say('log.waiting', { report }) });
    lastReport = report;
    if (Date.now() >= deadline) {
      const culprit = bad[0]?.name ?? stack.app?.service;
      const logs = culprit ? await lastLogLines(stack, culprit).catch(() => '(could not read its logs)') : '';
      throw new OpsdeckError('conflict', say('errors.healthTimeout', { seconds: String(Math.round(timeoutMs / 1000)), report }), {
        detail: culprit ? `Last log lines of ${culprit}:\n${logs}` : undefined,
      });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
