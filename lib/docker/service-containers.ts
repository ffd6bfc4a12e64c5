/**
 * One service of a stack, for jobs that must act on it: the running container to exec into, stop
 * and start of the app around a database swap, its health. Containers are found by the stack's
 * labels only (listContainersInStack), the same authorization rule as resolveStackContainer.
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { getDocker, type DockerEndpoint } from './client';
import { listContainersInStack } from './containers';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import type { HealthState } from './types';
import { scaleSwarmServiceBack, scaleSwarmServiceToZero, swarmRunningTarget, swarmServiceContainers } from './swarm-tasks';

/** Thrown when a job needs a service that has no running container (stopped, never created). */
export class ServiceNotRunningError extends OpsdeckError {
  readonly service: string;
  readonly found: string;

  constructor(stack: Stack, service: string, found: string) {
    super('conflict', `The ${service} service of stack ${stack.name} is not running (${found}).`, { detail: `service ${service}: ${found}` });
    this.service = service;
    this.found = found;
  }
}

export interface ServiceContainer {
  id: string;
  name: string;
  state: string;
  health: HealthState;
  image: string;
  /** org.opencontainers.image.version label, when the image carries one. */
  versionLabel: string | null;
}

function list(stack: Stack, service: string): Promise<Docker.ContainerInfo[]> {
  return listContainersInStack(stack, { service, doing: () => say('errors.docker.doing.listServiceContainers', { service, stack: stack.name }) });
}

function healthOf(status: string): HealthState {
  if (status.includes('(healthy)')) return 'healthy';
  if (status.includes('(unhealthy)')) return 'unhealthy';
  if (status.includes('(health: starting)')) return 'starting';
  return 'none';
}

const toContainer = (c: Docker.ContainerInfo): ServiceContainer => ({
  id: c.Id,
  name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
  state: c.State,
  health: healthOf(c.Status),
  image: c.Image,
  versionLabel: c.Labels?.['org.opencontainers.image.version'] ?? null,
});

/** The runtime seam: a compose service's containers, or a Swarm service's current tasks (swarm-tasks.ts). */
export async function serviceContainers(stack: Stack, service: string): Promise<ServiceContainer[]> {
  if (stack.runtime === 'swarm') return swarmServiceContainers(stack, service);
  return (await list(stack, service)).map(toContainer);
}

/** The (first) running container of the service; ServiceNotRunningError otherwise. */
export async function runningServiceContainer(stack: Stack, service: string): Promise<ServiceContainer> {
  const all = await serviceContainers(stack, service);
  const running = all.find((c) => c.state === 'running');
  if (running) return running;
  const found = all.length === 0 ? 'it has no container' : `its container is ${all.map((c) => c.state).join(', ')}`;
  throw new ServiceNotRunningError(stack, service, found);
}

/**
 * The running container of the service and the engine that runs it: the one engine of a compose
 * stack, or on Swarm the engine of the node its task runs on (opsdeck.yaml `swarm.nodes`).
 */
export async function serviceTarget(stack: Stack, service: string): Promise<{ docker: Docker; endpoint: DockerEndpoint; container: ServiceContainer }> {
  if (stack.runtime === 'swarm') {
    const t = await swarmRunningTarget(stack, service);
    if ('found' in t) throw new ServiceNotRunningError(stack, service, t.found);
    return t;
  }
  const container = await runningServiceContainer(stack, service);
  return { ...getDocker(stack), container };
}

/**
 * The engine refused (409) to act on a container it had just listed as running: its list can lag a
 * stop by a moment. Inspect (which does not lag) says what the container is now; null when it is
 * running after all (then the 409 was about something else).
 */
export async function stoppedMeanwhile(stack: Stack, service: string, containerId: string, e: unknown, docker: Docker = getDocker(stack).docker): Promise<ServiceNotRunningError | null> {
  if ((e as { statusCode?: number })?.statusCode !== 409) return null;
  const state = await docker.getContainer(containerId).inspect().then((i) => i.State.Status, () => 'gone');
  return state === 'running' ? null : new ServiceNotRunningError(stack, service, `its container is ${state}`);
}

/** Stops every running container of the service (graceful, then killed after `timeoutSec`). */
export async function stopService(stack: Stack, service: string, timeoutSec = 30): Promise<number> {
  // Swarm restarts a stopped task's container by itself: the service is scaled to 0 instead.
  if (stack.runtime === 'swarm') return scaleSwarmServiceToZero(stack, service);
  const { docker, endpoint } = getDocker(stack);
  const running = (await serviceContainers(stack, service)).filter((c) => c.state === 'running' || c.state === 'restarting');
  try {
    await Promise.all(running.map((c) => docker.getContainer(c.id).stop({ t: timeoutSec }).catch((e: { statusCode?: number }) => {
      // 304: already stopped between the listing and the call.
      if (e?.statusCode !== 304) throw e;
    })));
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.stopService', { service, stack: stack.name }));
  }
  return running.length;
}

/** Starts every stopped container of the service. */
export async function startService(stack: Stack, service: string): Promise<number> {
  if (stack.runtime === 'swarm') return scaleSwarmServiceBack(stack, service);
  const { docker, endpoint } = getDocker(stack);
  const all = await serviceContainers(stack, service);
  if (all.length === 0) throw new ServiceNotRunningError(stack, service, 'it has no container to start; deploy the stack first');
  const stopped = all.filter((c) => c.state !== 'running' && c.state !== 'restarting');
  try {
    await Promise.all(stopped.map((c) => docker.getContainer(c.id).start().catch((e: { statusCode?: number }) => {
      if (e?.statusCode !== 304) throw e;
    })));
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.startService', { service, stack: stack.name }));
  }
  return stopped.length;
}
