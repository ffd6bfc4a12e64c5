/**
 * Which host ports a stack service's container publishes: what tells Opsdeck whether a loopback
 * address in the config (the app's health URL, POSTGRES_PORT) is that service at all, and which
 * container port to ask through the engine when it is not reachable from here.
 */
import type { Stack } from '@/lib/stacks/types';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import { serviceTarget } from './service-containers';
import { swarmPublishedPorts } from './swarm-tasks';

/**
 * The container port that `hostPort` is published from by the service's container (the app's
 * health URL names the host's port); the same number when it is not published.
 */
export async function containerPortFor(stack: Stack, service: string, hostPort: number): Promise<number> {
  // On Swarm the service publishes, not the task's container (whose node may have no engine configured).
  if (stack.runtime === 'swarm') return (await swarmPublishedPorts(stack, service)).find((p) => p.published === hostPort)?.target ?? hostPort;
  const { docker, endpoint, container } = await serviceTarget(stack, service);
  try {
    const info = await docker.getContainer(container.id).inspect();
    for (const [spec, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
      if ((bindings ?? []).some((b) => Number(b.HostPort) === hostPort)) return Number.parseInt(spec, 10);
    }
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.inspectServiceContainer', { service, stack: stack.name }));
  }
  return hostPort;
}

/**
 * Whether the service's container publishes `containerPort` (any, when null) on host port
 * `hostPort`: only then can a loopback address in the config be that service. Null when it cannot
 * be told (no running container, the engine not answering, host networking where nothing is
 * published): the caller then decides as it would without knowing.
 */
export async function publishesPort(stack: Stack, service: string, containerPort: number | null, hostPort: number): Promise<boolean | null> {
  try {
    if (stack.runtime === 'swarm') {
      // The service's ports, from the manager: a task's container shows none of them, and asking its
      // node would need that node's engine just to choose the route.
      const ports = await swarmPublishedPorts(stack, service);
      return ports.some((p) => (containerPort === null || p.target === containerPort) && p.published === hostPort);
    }
    const { docker, container } = await serviceTarget(stack, service);
    const info = await docker.getContainer(container.id).inspect();
    if (info.HostConfig?.NetworkMode === 'host') return null;
    return Object.entries(info.NetworkSettings?.Ports ?? {}).some(([spec, bindings]) =>
      (containerPort === null || Number.parseInt(spec, 10) === containerPort) && (bindings ?? []).some((b) => Number(b.HostPort) === hostPort));
  } catch {
    return null;
  }
}
