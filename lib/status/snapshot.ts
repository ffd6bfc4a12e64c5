/**
 * One stack's status, gathered from Docker (listing + inspect), the app's HTTP probe and its
 * reported version. Docker being down is reported in the result, not thrown: the page shows it.
 */
import { engineUnreachableSaid, getDocker, inspectStackContainers, listStackServices, type ContainerDetail } from '@/lib/docker';
import { redactSecrets } from '@/lib/secrets';
import { stackSecrets } from '@/lib/stacks/stack-secrets';
import type { Stack } from '@/lib/stacks/types';
import { userMessageOf } from '@/lib/errors';
import { probeHttp, reportedVersion } from './probe';
import { buildSwarmStatus } from './swarm-status';
import type { AppProbe, InstanceStatus, ServiceStatus, StackStatus } from './types';

/** Values to mask in anything Docker or the app prints; re-exported for the status hub. */
export { stackSecrets };

function endpointOf(stack: Stack, service: string, networkMode: string | undefined): string | null {
  const host = networkMode === 'host' ? ' (host network: the port is the host’s own)' : '';
  if (stack.database?.service === service) return `${stack.database.host}:${stack.database.port}${host}`;
  if (stack.app?.service === service && stack.app.healthUrl) {
    try {
      return `${new URL(stack.app.healthUrl).host}${host}`;
    } catch {
      return null;
    }
  }
  return null;
}

function toInstance(d: ContainerDetail, mask: (s: string) => string): InstanceStatus {
  return {
    id: d.id,
    name: d.name,
    state: d.state,
    health: d.health,
    healthLog: d.healthLog.map((l) => ({ ...l, output: mask(l.output) })),
    failingStreak: d.failingStreak,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    restartCount: d.restartCount,
    exitCode: d.exitCode,
    oomKilled: d.oomKilled,
    error: d.error && mask(d.error),
    image: d.image,
    networkMode: d.networkMode,
    ports: d.ports,
    restartPolicy: d.restartPolicy,
  };
}

/** The app's health URL, probed; null when the stack has none. */
export async function probeApp(stack: Stack, secrets = stackSecrets(stack)): Promise<AppProbe | null> {
  return stack.app?.healthUrl ? probeHttp(stack.app.healthUrl, { secrets, stack }) : null;
}

/**
 * An engine that accepts the connection but does not answer (hung dockerd, a stalled link) must not
 * hold a page: past this the status says so, as for an engine that refuses.
 */
export const ENGINE_DEADLINE_MS = 8000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ENGINE_NO_ANSWER' })), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function buildStackStatus(stack: Stack): Promise<StackStatus> {
  if (stack.runtime === 'swarm') return buildSwarmStatus(stack);
  const at = new Date().toISOString();
  const secrets = stackSecrets(stack);
  const mask = (s: string) => redactSecrets(s, secrets);
  let services, details: ContainerDetail[];
  try {
    [services, details] = await withDeadline(Promise.all([listStackServices(stack), inspectStackContainers(stack)]), ENGINE_DEADLINE_MS);
  } catch (e) {
    const label = getDocker(stack).endpoint.label;
    const unreachable = engineUnreachableSaid(e, label);
    return { stack: stack.name, at, services: [], error: unreachable?.text ?? userMessageOf(e), ...(unreachable ? { errorSaid: unreachable } : {}), engineUnreachable: unreachable !== null };
  }
  const appService = stack.app?.service;
  const [probe, reported] = await Promise.all([
    probeApp(stack, secrets),
    stack.app?.healthUrl ? reportedVersion(stack.app.healthUrl, 2000, stack) : Promise.resolve(null),
  ]);
  const byId = new Map(details.map((d) => [d.id, d]));
  const result: ServiceStatus[] = services.map((s) => {
    const instances = s.instances.map((i) => byId.get(i.id)).filter((d): d is ContainerDetail => Boolean(d)).map((d) => toInstance(d, mask));
    const role = stack.database?.service === s.name ? 'database' : appService === s.name ? 'app' : null;
    return {
      name: s.name,
      declared: s.declared,
      state: s.state,
      role,
      instances,
      endpoint: endpointOf(stack, s.name, instances[0]?.networkMode),
      probe: role === 'app' ? probe : null,
      version: role === 'app' ? { label: instances[0]?.image.version ?? null, reported } : null,
    };
  });
  return { stack: stack.name, at, services: result };
}
