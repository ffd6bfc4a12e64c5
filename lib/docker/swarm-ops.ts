/**
 * What Opsdeck changes on a Swarm: a node's availability (drain / activate) and a service's replica
 * count. Each is checked before anything changes, with a reason a person can act on:
 * - a node must exist and be part of the cluster (not one that has left, nor down);
 * - the last reachable manager is never drained (the cluster would have nowhere to schedule);
 * - the node running the stack's database is not drained: its volume is local to that node, so
 *   the task would start elsewhere on an empty data directory;
 * - the stack's database is never scaled above 1: PostgreSQL is a single writer.
 * Scaling touches only services carrying the stack's label (the engine filters on it).
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { Stack } from '@/lib/stacks/types';
import { listSwarmServiceSpecs, swarmManager, swarmSnapshot, toNode, type SwarmNode, type SwarmTask } from './swarm';

export interface DrainPlan {
  node: SwarmNode;
  /** The stack's running tasks on the node: what Swarm will stop there and start on another node. */
  moving: (SwarmTask & { service: string })[];
}

/** What a drain of `hostname` would do, or a refusal. The confirmation dialog shows `moving`. */
export async function planDrain(stack: Stack, hostname: string): Promise<DrainPlan> {
  const snap = await swarmSnapshot(stack);
  const node = snap.nodes.find((n) => n.hostname === hostname || n.id === hostname);
  if (!node) throw new OpsdeckError('not_found', say('errors.swarm.notInCluster', { node: hostname }));
  if (node.state !== 'ready') throw new OpsdeckError('conflict', say('errors.swarm.nodeDown', { node: node.hostname, state: node.state }));
  if (node.availability === 'drain') throw new OpsdeckError('conflict', say('errors.swarm.alreadyDrained', { node: node.hostname }));
  if (node.role === 'manager') {
    const others = snap.nodes.filter((n) => n.id !== node.id && n.role === 'manager' && n.availability === 'active' && n.reachability === 'reachable');
    if (others.length === 0) throw new OpsdeckError('conflict', say('errors.swarm.lastManager', { node: node.hostname }));
  }
  const moving = snap.services.flatMap((s) => s.tasks.filter((t) => t.nodeId === node.id && t.desiredState === 'running').map((t) => ({ ...t, service: s.name })));
  const db = stack.database?.service;
  if (db && moving.some((t) => t.service === db)) {
    throw new OpsdeckError('conflict', say('errors.swarm.runsDatabase', { node: node.hostname, db }));
  }
  return { node, moving };
}

async function updateNode(stack: Stack, id: string, availability: 'active' | 'drain'): Promise<SwarmNode> {
  const { docker } = swarmManager(stack);
  const handle = docker.getNode(id);
  const raw = (await handle.inspect()) as { ID: string; Version: { Index: number }; Spec: Record<string, unknown> };
  // The version makes the update conditional: a concurrent change fails instead of being overwritten.
  await handle.update({ version: raw.Version.Index, ...raw.Spec, Availability: availability });
  return toNode((await handle.inspect()) as Parameters<typeof toNode>[0]);
}

/** Drains a node after planDrain's checks; returns the plan that was carried out. */
export async function drainNode(stack: Stack, hostname: string): Promise<DrainPlan> {
  const plan = await planDrain(stack, hostname);
  return { ...plan, node: await updateNode(stack, plan.node.id, 'drain') };
}

export async function activateNode(stack: Stack, hostname: string): Promise<SwarmNode> {
  const snap = await swarmSnapshot(stack);
  const node = snap.nodes.find((n) => n.hostname === hostname || n.id === hostname);
  if (!node) throw new OpsdeckError('not_found', say('errors.swarm.notInCluster', { node: hostname }));
  if (node.availability === 'active') return node;
  return updateNode(stack, node.id, 'active');
}

/** Sets a replicated service's replica count; `service` is the compose name (`memos`). */
export async function scaleService(stack: Stack, service: string, replicas: number): Promise<{ from: number; to: number }> {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 100) throw new OpsdeckError('invalid_input', say('errors.swarm.replicas'));
  if (stack.database?.service === service && replicas > 1) {
    throw new OpsdeckError('conflict', say('errors.swarm.singleWriter', { service }));
  }
  const specs = await listSwarmServiceSpecs(stack);
  const full = `${stack.projectName}_${service}`;
  const found = specs.find((s) => (s.Spec as { Name?: string } | undefined)?.Name === full);
  if (!found) throw new OpsdeckError('not_found', say('errors.swarm.notInStack', { service, stack: stack.name }));
  const { docker } = swarmManager(stack);
  const handle = docker.getService(found.ID);
  const raw = (await handle.inspect()) as { Version: { Index: number }; Spec: { Mode?: { Replicated?: { Replicas?: number }; Global?: object } } & Record<string, unknown> };
  if (!raw.Spec.Mode?.Replicated) throw new OpsdeckError('conflict', say('errors.swarm.globalNoReplicas', { service }));
  const from = raw.Spec.Mode.Replicated.Replicas ?? 0;
  await handle.update({ version: raw.Version.Index, ...raw.Spec, Mode: { Replicated: { Replicas: replicas } } });
  return { from, to: replicas };
}
