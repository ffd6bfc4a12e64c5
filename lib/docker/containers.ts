import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { getDocker, type EngineOwner } from './client';
import { dockerError } from './errors';
import { declaredServices } from './compose-file';
import {
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  type HealthState,
  type InstanceState,
  type ServiceInstance,
  type ServiceState,
  type StackService,
} from './types';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

const STATES: InstanceState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

function healthOf(status: string): HealthState {
  if (status.includes('(healthy)')) return 'healthy';
  if (status.includes('(unhealthy)')) return 'unhealthy';
  if (status.includes('(health: starting)')) return 'starting';
  return 'none';
}

function toInstance(c: Docker.ContainerInfo): ServiceInstance {
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    state: (STATES as string[]).includes(c.State) ? (c.State as InstanceState) : 'unknown',
    status: c.Status,
    health: healthOf(c.Status),
    image: c.Image,
    createdAt: new Date(c.Created * 1000).toISOString(),
  };
}

function serviceState(instances: ServiceInstance[]): ServiceState {
  if (instances.length === 0) return 'not-created';
  const running = instances.filter((i) => i.state === 'running');
  if (running.length === 0) return 'stopped';
  if (running.some((i) => i.health === 'unhealthy')) return 'unhealthy';
  if (running.some((i) => i.health === 'starting')) return 'starting';
  return running.length === instances.length ? 'running' : 'partial';
}

/**
 * Which labels tie a container to a stack and a service, per runtime. A Swarm runtime would add
 * `com.docker.stack.namespace` / `com.docker.swarm.service.name` here and list tasks as instances.
 */
export function labelsFor(stack: Stack): { project: string; service: string } {
  switch (stack.runtime) {
    case 'compose':
      return { project: COMPOSE_PROJECT_LABEL, service: COMPOSE_SERVICE_LABEL };
    // A task's container: the service label holds the full name (`<stack>_<service>`).
    case 'swarm':
      return { project: 'com.docker.stack.namespace', service: 'com.docker.swarm.service.name' };
  }
}

/**
 * The one authorization rule for containers, in its two forms: the Engine filter that lists a
 * stack's (or one service's) containers, and the check on a container's labels before acting on
 * it. Built on labelsFor only, so what Opsdeck lists is exactly what it may touch.
 */
export function stackLabelFilter(stack: Stack, service?: string): string[] {
  const keys = labelsFor(stack);
  return service === undefined ? [`${keys.project}=${stack.projectName}`] : [`${keys.project}=${stack.projectName}`, `${keys.service}=${service}`];
}

/** Throws `forbidden` unless the labels are the stack's (and the service's, when given). */
export function assertInStack(stack: Stack, labels: Record<string, string> | null | undefined, service?: string): void {
  const keys = labelsFor(stack);
  if (labels?.[keys.project] !== stack.projectName || (service !== undefined && labels?.[keys.service] !== service)) {
    throw new OpsdeckError('forbidden', say('errors.lifecycle.foreignContainer', { stack: stack.name }));
  }
}

export interface ListInStackOptions {
  service?: string;
  /** Only running containers (the Engine's default listing); otherwise every state. */
  runningOnly?: boolean;
  /** For the error message ("listing the containers of stack demo"), made only when listing fails. */
  doing?: () => Said;
}

/**
 * Containers are found by compose labels, never by name: compose v1 names them `proj_svc_1`,
 * v2 `proj-svc-1`, and an operator may set container_name freely.
 */
export async function listContainersInStack(stack: Stack, opts: ListInStackOptions = {}): Promise<Docker.ContainerInfo[]> {
  const { docker, endpoint } = getDocker(stack);
  const label = stackLabelFilter(stack, opts.service);
  try {
    return await docker.listContainers(opts.runningOnly ? { filters: { label, status: ['running'] } } : { all: true, filters: { label } });
  } catch (e) {
    throw dockerError(e, endpoint.label, opts.doing?.() ?? say('errors.docker.doing.listContainers', { stack: stack.name }));
  }
}

export async function stackContainers(stack: Stack): Promise<Docker.ContainerInfo[]> {
  return listContainersInStack(stack);
}

export async function listStackServices(stack: Stack): Promise<StackService[]> {
  const declared = declaredServices(stack.composeFiles);
  const byService = new Map<string, ServiceInstance[]>(declared.map((name) => [name, []]));
  for (const c of await stackContainers(stack)) {
    const svc = c.Labels[labelsFor(stack).service] ?? '(unknown)';
    if (!byService.has(svc)) byService.set(svc, []);
    byService.get(svc)!.push(toInstance(c));
  }
  return [...byService.entries()].map(([name, instances]) => ({
    name,
    declared: declared.includes(name),
    state: serviceState(instances),
    image: instances[0]?.image ?? null,
    instances: instances.sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

/**
 * The single authorization point for acting on a container: it must carry the stack's project
 * label (and the service's, when given). Listing and acting both go through the same labels, so a
 * container visible in Opsdeck is exactly one Opsdeck may touch.
 */
export async function resolveStackContainer(stack: Stack, containerId: string, service?: string): Promise<ServiceInstance> {
  const { docker, endpoint } = getDocker(stack);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(containerId).inspect();
  } catch (e) {
    const err = dockerError(e, endpoint.label, say('errors.docker.doing.lookupContainer'));
    if (err.code === 'not_found') throw new OpsdeckError('not_found', say('errors.containerGone'));
    throw err;
  }
  assertInStack(stack, info.Config.Labels, service || undefined);
  const instances = (await stackContainers(stack)).filter((c) => c.Id === info.Id).map(toInstance);
  if (!instances[0]) throw new OpsdeckError('not_found', say('errors.containerGone'));
  return instances[0];
}

export async function pingDocker(stack?: EngineOwner): Promise<{ ok: true; version: string } | { ok: false; error: OpsdeckError }> {
  const { docker, endpoint } = getDocker(stack);
  try {
    const v = await docker.version();
    return { ok: true, version: v.Version };
  } catch (e) {
    return { ok: false, error: dockerError(e, endpoint.label, say('errors.docker.doing.checkEngine')) };
  }
}
