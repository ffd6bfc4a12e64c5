/**
 * The engine calls of a rolling upgrade on Swarm: which image a stack's service runs, whether a new
 * tag can be had on every node before anything changes, and the service update itself, which Swarm
 * carries out task by task (and rolls back by itself when a new task fails its health check).
 */
import type Docker from 'dockerode';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { Stack } from '@/lib/stacks/types';
import { dockerError } from './errors';
import { VERSION_LABEL } from './images';
import { SCALED_FROM_LABEL } from './swarm-tasks';
import { dockerAt, listSwarmServiceSpecs, swarmManager, toNode } from './swarm';

interface RawService {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name?: string;
    TaskTemplate?: { ContainerSpec?: { Image?: string; Healthcheck?: { Test?: string[] } } };
    UpdateConfig?: Record<string, unknown>;
    RollbackConfig?: Record<string, unknown>;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number } };
  } & Record<string, unknown>;
  PreviousSpec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } };
  UpdateStatus?: { State?: string; StartedAt?: string; CompletedAt?: string; Message?: string };
}

export interface SwarmServiceState {
  id: string;
  /** The spec's image without its digest pin. */
  image: string;
  /** The image of the spec before the last change (what a rollback returns to); null when there was none. */
  previousImage: string | null;
  /** Replicas asked for; null for a global service. */
  replicas: number | null;
  /** The replica count Opsdeck kept when it scaled the service to 0 (label io.opsdeck.scaled-from); null when it did not. */
  scaledFrom: number | null;
  hasHealthcheck: boolean;
  /** updating | completed | paused | rollback_started | rollback_paused | rollback_completed, or null before any update. */
  updateState: string | null;
  updateStartedAt: string | null;
  updateMessage: string | null;
}

const shortImage = (ref: string) => ref.replace(/@sha256:[0-9a-f]+$/, '');

async function rawService(stack: Stack, service: string): Promise<RawService> {
  const full = `${stack.projectName}_${service}`;
  const found = (await listSwarmServiceSpecs(stack)).find((s) => (s.Spec as { Name?: string } | undefined)?.Name === full);
  if (!found) throw new OpsdeckError('not_found', say('errors.swarm.notDeployed', { service, stack: stack.name }));
  return (await swarmManager(stack).docker.getService(found.ID).inspect()) as RawService;
}

export async function swarmServiceState(stack: Stack, service: string): Promise<SwarmServiceState> {
  const raw = await rawService(stack, service);
  const test = raw.Spec.TaskTemplate?.ContainerSpec?.Healthcheck?.Test;
  return {
    id: raw.ID,
    image: shortImage(raw.Spec.TaskTemplate?.ContainerSpec?.Image ?? ''),
    previousImage: raw.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image ? shortImage(raw.PreviousSpec.TaskTemplate.ContainerSpec.Image) : null,
    replicas: raw.Spec.Mode?.Replicated?.Replicas ?? null,
    scaledFrom: raw.Spec.Labels?.[SCALED_FROM_LABEL] !== undefined ? Number(raw.Spec.Labels[SCALED_FROM_LABEL]) : null,
    hasHealthcheck: Boolean(test && test.length && test[0] !== 'NONE'),
    updateState: raw.UpdateStatus?.State ?? null,
    updateStartedAt: raw.UpdateStatus?.StartedAt ?? null,
    updateMessage: raw.UpdateStatus?.Message ?? null,
  };
}

export type ImageResolution =
  | { ok: true; how: string; imageId: string | null; version: string | null }
  | { ok: false; reason: string };

async function inspectOn({ docker, endpoint: { label } }: { docker: Docker; endpoint: { label: string } }, ref: string): Promise<{ id: string; version: string | null } | null> {
  try {
    const i = await docker.getImage(ref).inspect();
    return { id: i.Id, version: i.Config?.Labels?.[VERSION_LABEL] ?? null };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw dockerError(e, label, say('errors.docker.doing.inspectImage', { ref }));
  }
}

/**
 * Whether every node that can run a task has `ref`: asked of each node's own engine where opsdeck.yaml
 * names one (the manager's always), and otherwise of the registry through the manager (a node that
 * lacks the image pulls it when its task starts). Nothing is pulled or changed here.
 */
export async function resolveSwarmImage(stack: Stack, ref: string, registryTimeoutMs = 5000): Promise<ImageResolution> {
  const { docker } = swarmManager(stack);
  const info = (await docker.info()) as { Swarm?: { NodeID?: string } };
  const nodes = ((await docker.listNodes()) as Parameters<typeof toNode>[0][]).map(toNode).filter((n) => n.state === 'ready' && n.availability === 'active');
  const lacking: string[] = [];
  const unknown: string[] = [];
  let found: { id: string; version: string | null } | null = null;
  for (const n of nodes) {
    const address = n.id === info.Swarm?.NodeID ? stack.swarm!.manager : stack.swarm?.nodes?.[n.hostname];
    if (!address) {
      unknown.push(n.hostname);
      continue;
    }
    const here = await inspectOn(dockerAt(address), ref);
    if (here) found ??= here;
    else lacking.push(n.hostname);
  }
  const onNodes = `${ref} is present on ${nodes.length - lacking.length - unknown.length} of ${nodes.length} node(s)`;
  if (!lacking.length && !unknown.length) return { ok: true, how: `${onNodes}`, imageId: found?.id ?? null, version: found?.version ?? null };
  const registry = await registryOf(swarmManager(stack), ref, registryTimeoutMs);
  const missing = [lacking.length ? `not on ${lacking.join(', ')}` : '', unknown.length ? `${unknown.join(', ')} not asked (no engine for it in opsdeck.yaml)` : ''].filter(Boolean).join('; ');
  if (registry.ok) return { ok: true, how: `${onNodes} (${missing}); the registry provides it`, imageId: found?.id ?? null, version: found?.version ?? null };
  return { ok: false, reason: `${onNodes} (${missing}) and the registry cannot provide it: ${registry.reason}` };
}

async function registryOf({ docker, endpoint: { label } }: { docker: Docker; endpoint: { label: string } }, ref: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: boolean; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `the registry did not answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
  });
  const asked = docker
    .getImage(ref)
    .distribution()
    .then(
      () => ({ ok: true, reason: '' }),
      (e: unknown) => ({ ok: false, reason: ((err) => err.detail ?? err.message)(dockerError(e, label, say('errors.docker.doing.askRegistry', { ref }))) }),
    );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RollingUpdate {
  /** How long Swarm watches a new task after it runs (healthy) before updating the next one. */
  monitorMs: number;
  /**
   * start-first: the new task starts (and must pass its health check) before the old one of its
   * slot stops, so the app keeps its replicas through the update and a failed task costs nothing.
   */
  order: 'start-first' | 'stop-first';
}

/**
 * Points the service at `ref` with a rolling update policy of one task at a time, rollback on failure.
 * Conditional on the spec version read just before, so a concurrent change fails rather than being
 * overwritten. Everything else in the spec (the health check included) stays as deployed.
 */
export async function updateServiceImage(stack: Stack, service: string, ref: string, policy: RollingUpdate): Promise<void> {
  const raw = await rawService(stack, service);
  const monitor = policy.monitorMs * 1_000_000;
  const spec = {
    ...raw.Spec,
    TaskTemplate: { ...raw.Spec.TaskTemplate, ContainerSpec: { ...raw.Spec.TaskTemplate?.ContainerSpec, Image: ref } },
    UpdateConfig: { Parallelism: 1, Delay: 2_000_000_000, FailureAction: 'rollback', Monitor: monitor, MaxFailureRatio: 0, Order: policy.order },
    RollbackConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: monitor, MaxFailureRatio: 0, Order: policy.order },
  };
  const { docker, endpoint } = swarmManager(stack);
  try {
    await docker.getService(raw.ID).update({ version: raw.Version.Index, ...spec });
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.updateService', { service, ref }));
  }
}
