/**
 * A Swarm stack's service seen as containers, for the jobs that act inside one (a backup's pg_dump,
 * a restore's load) or stop and start one (the app around a database swap). The manager says which
 * task of the service runs and on which node; that node's own engine (opsdeck.yaml `swarm.nodes`,
 * by host name, or the manager's when the task runs there) is where its container can be reached.
 * "Stop" and "start" are a scale to 0 and back: Swarm would restart a stopped task's container by
 * itself. The replica count to come back to is kept on the service (a label), so an Opsdeck that
 * dies between the two still knows it after a restart (lib/backup/recovery.ts starts the app again).
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { DockerEndpoint } from './client';
import { dockerError } from './errors';
import type { ServiceContainer } from './service-containers';
import { STACK_NAMESPACE_LABEL, dockerAt, listSwarmServiceSpecs, swarmManager } from './swarm';

/** Set on a service while Opsdeck has it scaled to 0: the replica count to give back. */
export const SCALED_FROM_LABEL = 'io.opsdeck.scaled-from';
const SWARM_SERVICE_LABEL = 'com.docker.swarm.service.name';
/** Task states in which the task's container may still run (and hold sessions on the database). */
const ALIVE = new Set(['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/** A task runs on a node whose engine opsdeck.yaml does not name: its container cannot be reached. */
export class SwarmNodeEngineMissingError extends OpsdeckError {
  constructor(stack: Stack, readonly service: string, readonly node: string) {
    super('config_invalid', `The ${service} task of stack ${stack.name} runs on node ${node}, and Opsdeck has no engine address for that node: add it under swarm.nodes in opsdeck.yaml (${node}: tcp://…, ssh://… or unix://…).`, {
      detail: `${stack.source}: swarm.nodes has ${Object.keys(stack.swarm?.nodes ?? {}).join(', ') || 'no node'}; the manager's own engine serves only tasks on the manager's node`,
    });
    this.name = 'SwarmNodeEngineMissingError';
  }
}

interface RawTask {
  ID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
  Spec?: { ContainerSpec?: { Image?: string } };
}

interface RawService {
  ID: string;
  Version: { Index: number };
  Endpoint?: { Ports?: { TargetPort?: number; PublishedPort?: number }[] };
  Spec: { Name?: string; Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number }; Global?: object } } & Record<string, unknown>;
}

export interface SwarmTaskContainer extends ServiceContainer {
  node: string;
  /** null: the task has no container yet (pending, or a replica Swarm has not created yet). */
  containerId: string | null;
}

const shortImage = (ref: string) => ref.replace(/@sha256:[0-9a-f]+$/, '');

async function serviceOf(stack: Stack, service: string): Promise<RawService> {
  const full = `${stack.projectName}_${service}`;
  const found = (await listSwarmServiceSpecs(stack)).find((s) => (s.Spec as { Name?: string } | undefined)?.Name === full);
  if (!found) throw new OpsdeckError('not_found', say('errors.swarm.notDeployed', { service, stack: stack.name }));
  return found as unknown as RawService;
}

/**
 * The service's current tasks (desired running) as containers, oldest slot first. A replicated
 * service with fewer tasks than replicas gets a `pending` entry per missing one, so "every container
 * running" means the whole service is back, not just the first task Swarm has made.
 */
export async function swarmServiceContainers(stack: Stack, service: string): Promise<SwarmTaskContainer[]> {
  const { docker, endpoint } = swarmManager(stack);
  try {
    const svc = await serviceOf(stack, service);
    const [tasks, nodes] = await Promise.all([
      docker.listTasks({ filters: { service: [svc.ID], 'desired-state': ['running'] } }) as Promise<RawTask[]>,
      docker.listNodes() as Promise<{ ID: string; Description?: { Hostname?: string } }[]>,
    ]);
    const host = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID.slice(0, 12)]));
    const full = `${stack.projectName}_${service}`;
    const list = tasks
      .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0))
      .map((t): SwarmTaskContainer => ({
        id: t.Status?.ContainerStatus?.ContainerID || t.ID,
        containerId: t.Status?.ContainerStatus?.ContainerID || null,
        name: `${full}.${t.Slot ?? t.NodeID}.${t.ID}`,
        state: t.Status?.State ?? 'unknown',
        // Swarm reports a task with a health check as running only once it is healthy.
        health: 'none',
        image: shortImage(t.Spec?.ContainerSpec?.Image ?? ''),
        versionLabel: null,
        node: host.get(t.NodeID ?? '') ?? '(unassigned)',
      }));
    const want = svc.Spec.Mode?.Replicated?.Replicas;
    for (let i = list.length; want !== undefined && i < want; i++) {
      list.push({ id: `${svc.ID}-missing-${i}`, containerId: null, name: `${full} (replica not created yet)`, state: 'pending', health: 'none', image: '', versionLabel: null, node: '(unassigned)' });
    }
    return list;
  } catch (e) {
    throw e instanceof OpsdeckError ? e : dockerError(e, endpoint.label, say('errors.docker.doing.listTasks', { service, stack: stack.name }));
  }
}

/**
 * The ports the service publishes (through the ingress, or in host mode on its tasks' nodes): on
 * Swarm a port is the service's, its tasks' containers show none of them. Asked of the manager only,
 * so it needs no node's engine.
 */
export async function swarmPublishedPorts(stack: Stack, service: string): Promise<{ target: number; published: number }[]> {
  const svc = await serviceOf(stack, service);
  return (svc.Endpoint?.Ports ?? [])
    .filter((p) => p.TargetPort && p.PublishedPort)
    .map((p) => ({ target: p.TargetPort!, published: p.PublishedPort! }));
}

/** The engine of `node`: its own from swarm.nodes, else the manager's when the manager is that node. */
async function engineOfNode(stack: Stack, service: string, node: string): Promise<{ docker: Docker; endpoint: DockerEndpoint }> {
  const own = stack.swarm?.nodes?.[node];
  if (own) return dockerAt(own);
  const manager = swarmManager(stack);
  const info = (await manager.docker.info()) as { Name?: string; Swarm?: { NodeID?: string } };
  const self = info.Swarm?.NodeID ? ((await manager.docker.getNode(info.Swarm.NodeID).inspect()) as { Description?: { Hostname?: string } }).Description?.Hostname : info.Name;
  if (self === node) return manager;
  throw new SwarmNodeEngineMissingError(stack, service, node);
}

/**
 * The running task's container of `service` and the engine of its node. Null when no task runs;
 * the container is checked to carry the stack's and the service's labels on that engine before
 * anything is done in it (the same rule as a compose stack's containers).
 */
export async function swarmRunningTarget(stack: Stack, service: string): Promise<{ docker: Docker; endpoint: DockerEndpoint; container: SwarmTaskContainer } | { found: string }> {
  const tasks = await swarmServiceContainers(stack, service);
  const running = tasks.find((t) => t.state === 'running' && t.containerId);
  if (!running) return { found: tasks.length ? `its task is ${tasks.map((t) => t.state).join(', ')}` : 'it has no task (scaled to 0?)' };
  const engine = await engineOfNode(stack, service, running.node);
  let labels: Record<string, string> | undefined;
  try {
    labels = (await engine.docker.getContainer(running.containerId!).inspect()).Config.Labels;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return { found: `its task's container is gone from node ${running.node}` };
    throw dockerError(e, engine.endpoint.label, say('errors.docker.doing.lookupTaskContainer', { service, node: running.node }));
  }
  if (labels?.[STACK_NAMESPACE_LABEL] !== stack.projectName || labels?.[SWARM_SERVICE_LABEL] !== `${stack.projectName}_${service}`) {
    throw new OpsdeckError('forbidden', say('errors.swarm.foreignContainer', { service, node: running.node, stack: stack.name }));
  }
  return { ...engine, container: { ...running, id: running.containerId! } };
}

async function setReplicas(stack: Stack, svc: RawService, replicas: number, labels: Record<string, string>): Promise<void> {
  const { docker, endpoint } = swarmManager(stack);
  try {
    // Conditional on the version just read: a concurrent change fails instead of being overwritten.
    await docker.getService(svc.ID).update({ version: svc.Version.Index, ...svc.Spec, Labels: labels, Mode: { Replicated: { Replicas: replicas } } });
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.scale', { service: String(svc.Spec.Name), replicas: String(replicas) }));
  }
}

/**
 * "Stop" a Swarm service: scale it to 0, remembering its replica count on the service, and wait until
 * none of its tasks' containers runs any more (their sessions on the database are gone with them).
 * Returns how many replicas it had.
 */
export async function scaleSwarmServiceToZero(stack: Stack, service: string, timeoutMs = 90_000): Promise<number> {
  const svc = await serviceOf(stack, service);
  if (!svc.Spec.Mode?.Replicated) throw new OpsdeckError('conflict', say('errors.swarm.globalNoStop', { service }));
  const labels = svc.Spec.Labels ?? {};
  const from = svc.Spec.Mode.Replicated.Replicas ?? 0;
  // Stopped already (a swap back): the count kept from the first stop stays.
  if (from > 0) await setReplicas(stack, svc, 0, { ...labels, [SCALED_FROM_LABEL]: String(from) });
  const { docker } = swarmManager(stack);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks = (await docker.listTasks({ filters: { service: [svc.ID] } })) as RawTask[];
    const alive = tasks.filter((t) => ALIVE.has(t.Status?.State ?? ''));
    if (!alive.length) return from;
    if (Date.now() > deadline) {
      throw new OpsdeckError('conflict', say('errors.swarm.stillRunning', { service, count: String(alive.length), seconds: String(Math.round(timeoutMs / 1000)) }));
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** "Start" a Swarm service Opsdeck scaled to 0: back to the replica count it had. Returns that count. */
export async function scaleSwarmServiceBack(stack: Stack, service: string): Promise<number> {
  const svc = await serviceOf(stack, service);
  const { [SCALED_FROM_LABEL]: kept, ...labels } = svc.Spec.Labels ?? {};
  const now = svc.Spec.Mode?.Replicated?.Replicas;
  if (kept === undefined) {
    if (now === 0) throw new OpsdeckError('conflict', say('errors.swarm.unknownReplicas', { service }));
    return 0;
  }
  const to = Number(kept) > 0 ? Number(kept) : 1;
  await setReplicas(stack, svc, to, labels);
  return to;
}

/**
 * "Restart" a Swarm service: a forced update (`docker service update --force`), which replaces its
 * tasks as the service's update_config says (one at a time for the app, so it stays up). A service
 * Opsdeck scaled to 0 has no task to replace: nothing is done and false returned.
 */
export async function forceRestartSwarmService(stack: Stack, service: string): Promise<boolean> {
  const svc = await serviceOf(stack, service);
  if (svc.Spec.Mode?.Replicated && !svc.Spec.Mode.Replicated.Replicas) return false;
  const template = (svc.Spec.TaskTemplate ?? {}) as { ForceUpdate?: number } & Record<string, unknown>;
  const { docker, endpoint } = swarmManager(stack);
  try {
    await docker.getService(svc.ID).update({ version: svc.Version.Index, ...svc.Spec, TaskTemplate: { ...template, ForceUpdate: (template.ForceUpdate ?? 0) + 1 } });
  } catch (e) {
    throw dockerError(e, endpoint.label, `restarting ${svc.Spec.Name}`);
  }
  return true;
}
