/**
 * A Swarm stack as the manager sees it: its services (desired and running replicas), their tasks
 * (slot, node, state, desired state, error, exit code) and the cluster's nodes. Every query is
 * narrowed by the stack label `com.docker.stack.namespace=<project>`, so what Opsdeck lists is
 * exactly what `docker stack deploy -c … <project>` created, and tasks are asked for by those
 * services' ids only.
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getDocker, type DockerEndpoint } from './client';

export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

export interface SwarmTask {
  id: string;
  /** Replica number of a replicated service (memos_memos.1 is slot 1); null for global services. */
  slot: number | null;
  nodeId: string;
  node: string;
  state: string;
  desiredState: string;
  error: string | null;
  exitCode: number | null;
  containerId: string | null;
  image: string;
  updatedAt: string;
}

export interface SwarmService {
  id: string;
  /** Full name as the engine has it: `<project>_<service>`. */
  fullName: string;
  /** The compose service's name, as opsdeck.yaml's roles name it. */
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  desired: number;
  running: number;
  /** Rolling update state from the engine: updating, completed, rollback_started, rollback_completed… */
  updateState: string | null;
  updateMessage: string | null;
  tasks: SwarmTask[];
}

export interface SwarmNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  availability: 'active' | 'pause' | 'drain';
  /** ready | down | unknown | disconnected */
  state: string;
  /** Managers only: reachable | unreachable; leader is the raft leader. */
  reachability: string | null;
  leader: boolean;
  address: string;
  labels: Record<string, string>;
}

export type { SwarmChange } from './swarm-watch';

export interface SwarmSnapshot {
  services: SwarmService[];
  nodes: SwarmNode[];
}

/**
 * The dockerode client for an engine address, from the one client cache (dockerode keeps an HTTP
 * agent). TLS for a tcp:// manager comes from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, as the CLI does.
 */
export function dockerAt(address: string): { docker: Docker; endpoint: DockerEndpoint } {
  const tcp = !address.startsWith('unix://') && !address.startsWith('ssh://');
  const verify = tcp && process.env.DOCKER_TLS_VERIFY === '1';
  const dir = process.env.DOCKER_CERT_PATH;
  if (verify && dir) return getDocker({ docker: { host: address, tls: { ca: `${dir}/ca.pem`, cert: `${dir}/cert.pem`, key: `${dir}/key.pem` } } });
  // TLS without client certificates, as the CLI does with DOCKER_TLS_VERIFY alone.
  return getDocker({ docker: { host: verify ? address.replace(/^tcp:/, 'https:') : address } });
}

export function swarmManager(stack: Stack): { docker: Docker; endpoint: DockerEndpoint } {
  if (stack.runtime !== 'swarm' || !stack.swarm) throw new OpsdeckError('invalid_input', say('errors.swarm.notSwarm', { stack: stack.name }));
  return dockerAt(stack.swarm.manager);
}

/** The stack's own services only: the engine filters on the stack label. */
export async function listSwarmServiceSpecs(stack: Stack): Promise<Docker.Service[]> {
  const { docker } = swarmManager(stack);
  return docker.listServices({ filters: { label: [`${STACK_NAMESPACE_LABEL}=${stack.projectName}`] } });
}

interface RawTask {
  ID: string;
  Slot?: number;
  NodeID?: string;
  ServiceID: string;
  UpdatedAt?: string;
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
}

interface RawNode {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Reachability?: string; Leader?: boolean };
}

export function toNode(n: RawNode): SwarmNode {
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
    role: n.Spec?.Role === 'manager' ? 'manager' : 'worker',
    availability: (n.Spec?.Availability ?? 'active') as SwarmNode['availability'],
    state: n.Status?.State ?? 'unknown',
    reachability: n.ManagerStatus?.Reachability ?? null,
    leader: n.ManagerStatus?.Leader === true,
    address: n.Status?.Addr ?? '',
    labels: n.Spec?.Labels ?? {},
  };
}

/** Image without its digest pin: `opsdeck/demo-app:1.0.0@sha256:…` → `opsdeck/demo-app:1.0.0`. */
const shortImage = (ref: string) => ref.replace(/@sha256:[0-9a-f]+$/, '');

export async function swarmSnapshot(stack: Stack): Promise<SwarmSnapshot> {
  const { docker } = swarmManager(stack);
  const specs = await listSwarmServiceSpecs(stack);
  const [rawNodes, rawTasks] = await Promise.all([
    docker.listNodes() as Promise<RawNode[]>,
    specs.length ? (docker.listTasks({ filters: { service: specs.map((s) => s.ID) } }) as Promise<RawTask[]>) : Promise.resolve([] as RawTask[]),
  ]);
  const nodes = rawNodes.map(toNode).sort((a, b) => a.hostname.localeCompare(b.hostname));
  const hostOf = new Map(nodes.map((n) => [n.id, n.hostname]));
  const prefix = `${stack.projectName}_`;
  const services = specs.map((s): SwarmService => {
    const spec = s.Spec as { Name?: string; Mode?: { Replicated?: { Replicas?: number }; Global?: object }; TaskTemplate?: { ContainerSpec?: { Image?: string } } };
    const fullName = spec?.Name ?? s.ID;
    const tasks = rawTasks
      .filter((t) => t.ServiceID === s.ID)
      .map((t): SwarmTask => ({
        id: t.ID,
        slot: t.Slot ?? null,
        nodeId: t.NodeID ?? '',
        node: hostOf.get(t.NodeID ?? '') ?? '(unassigned)',
        state: t.Status?.State ?? 'unknown',
        desiredState: t.DesiredState ?? 'unknown',
        error: t.Status?.Err || null,
        exitCode: t.Status?.ContainerStatus?.ExitCode ?? null,
        containerId: t.Status?.ContainerStatus?.ContainerID || null,
        image: shortImage(t.Spec?.ContainerSpec?.Image ?? ''),
        updatedAt: t.UpdatedAt ?? '',
      }))
      // Newest first within a slot: the current task, then the history Swarm keeps.
      .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || b.updatedAt.localeCompare(a.updatedAt));
    const global = Boolean(spec?.Mode?.Global);
    const live = tasks.filter((t) => t.desiredState === 'running');
    const update = (s as { UpdateStatus?: { State?: string; Message?: string } }).UpdateStatus;
    return {
      id: s.ID,
      fullName,
      name: fullName.startsWith(prefix) ? fullName.slice(prefix.length) : fullName,
      image: shortImage(spec?.TaskTemplate?.ContainerSpec?.Image ?? ''),
      mode: global ? 'global' : 'replicated',
      desired: global ? live.length : (spec?.Mode?.Replicated?.Replicas ?? 0),
      running: tasks.filter((t) => t.state === 'running' && t.desiredState === 'running').length,
      updateState: update?.State ?? null,
      updateMessage: update?.Message ?? null,
      tasks,
    };
  });
  return { services: services.sort((a, b) => a.name.localeCompare(b.name)), nodes };
}
