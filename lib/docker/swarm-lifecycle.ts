/**
 * Start, stop and restart on a `runtime: swarm` stack, for the same buttons as compose's
 * (lifecycle.ts). Swarm restarts a stopped task's container by itself, so the verbs map onto the
 * service: stop = scale to 0 with the replica count kept on the service (swarm-tasks.ts), start =
 * back to that count, restart = a forced rolling update. Only the stack's own services are listed
 * (the engine filters on the stack label); the database starts first and stops last.
 */
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError, userSaidOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { dependencyOrder, type LifecycleAction, type LifecycleResult } from './lifecycle';
import { listSwarmServiceSpecs } from './swarm';
import { forceRestartSwarmService, scaleSwarmServiceBack, scaleSwarmServiceToZero } from './swarm-tasks';

/** The stack's Swarm services by compose name, in start order. */
async function startOrder(stack: Stack): Promise<string[]> {
  const prefix = `${stack.projectName}_`;
  const names = (await listSwarmServiceSpecs(stack))
    .map((s) => (s.Spec as { Name?: string } | undefined)?.Name ?? '')
    .filter((n) => n.startsWith(prefix))
    .map((n) => n.slice(prefix.length));
  const order = dependencyOrder(stack.composeFiles, names);
  // `depends_on` is ignored by stack deploy and often left out: the database goes first regardless.
  const db = stack.database?.service;
  return db && order.includes(db) ? [db, ...order.filter((n) => n !== db)] : order;
}

export async function runSwarmLifecycle(stack: Stack, action: LifecycleAction, service?: string): Promise<LifecycleResult> {
  const started = Date.now();
  const all = await startOrder(stack);
  if (service !== undefined && !all.includes(service)) {
    throw new OpsdeckError('not_found', say('errors.noService', { stack: stack.name, service: service.slice(0, 60), services: all.join(', ') || say('errors.none') }));
  }
  if (all.length === 0) throw new OpsdeckError('conflict', say('errors.lifecycle.stackNoContainers', { stack: stack.name }));
  const targets = service !== undefined ? [service] : action === 'stop' ? [...all].reverse() : all;
  const containers: LifecycleResult['containers'] = [];
  for (const svc of targets) {
    let changed: boolean;
    try {
      if (action === 'stop') changed = (await scaleSwarmServiceToZero(stack, svc)) > 0;
      else if (action === 'start') changed = (await scaleSwarmServiceBack(stack, svc)) > 0;
      else changed = await forceRestartSwarmService(stack, svc);
    } catch (e) {
      if (!containers.length || !(e instanceof OpsdeckError)) throw e;
      throw new OpsdeckError(e.code, say('errors.alreadyDone', { error: userSaidOf(e), names: containers.map((c) => c.name).join(', ') }), { detail: e.detail, cause: e });
    }
    containers.push({ name: `${stack.projectName}_${svc}`, service: svc, outcome: changed ? 'done' : 'unchanged' });
  }
  return { action, service: service ?? null, containers, durationMs: Date.now() - started };
}
