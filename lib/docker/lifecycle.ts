/**
 * Start, stop and restart one service of a stack, or the whole stack. Containers are chosen by the
 * stack's labels and each one is re-checked through resolveStackContainer right before it is
 * touched, so nothing outside the stack can be acted on, whatever name or id a caller passes.
 * Whole-stack order follows `depends_on` (the database before the app; the app stops first), and
 * the stop timeout is the container's own (compose's stop_grace_period), as `docker compose` does.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError, userSaidOf } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { getDocker } from './client';
import { listStackServices, resolveStackContainer } from './containers';
import { dockerError } from './errors';
import type { ServiceInstance, StackService } from './types';
import { say } from '@/lib/i18n/server-text';
import { runSwarmLifecycle } from './swarm-lifecycle';

export type LifecycleAction = 'start' | 'stop' | 'restart';

export interface LifecycleResult {
  action: LifecycleAction;
  /** null: the whole stack. */
  service: string | null;
  containers: { name: string; service: string; outcome: 'done' | 'unchanged' }[];
  durationMs: number;
}

/** Services in start order: each after what it depends on; declaration order otherwise. */
export function dependencyOrder(composeFiles: string[], services: string[]): string[] {
  const deps = new Map<string, Set<string>>(services.map((s) => [s, new Set<string>()]));
  for (const file of composeFiles) {
    let doc: { services?: Record<string, { depends_on?: string[] | Record<string, unknown> } | null> } | null = null;
    try {
      doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue; // listStackServices already reported an unreadable file
    }
    for (const [name, def] of Object.entries(doc?.services ?? {})) {
      const on = def?.depends_on;
      const list = Array.isArray(on) ? on : on && typeof on === 'object' ? Object.keys(on) : [];
      for (const d of list) if (deps.has(name) && deps.has(d)) deps.get(name)!.add(d);
    }
  }
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (s: string) => {
    if (order.includes(s) || visiting.has(s)) return; // a cycle falls back to declaration order
    visiting.add(s);
    for (const d of deps.get(s) ?? []) visit(d);
    visiting.delete(s);
    order.push(s);
  };
  services.forEach(visit);
  return order;
}

function pick(stack: Stack, all: StackService[], service?: string): StackService[] {
  if (service === undefined) return all;
  const found = all.find((s) => s.name === service);
  if (!found) {
    const names = all.map((s) => s.name).join(', ') || say('errors.none');
    throw new OpsdeckError('not_found', say('errors.noService', { stack: stack.name, service: service.slice(0, 60), services: names }));
  }
  return [found];
}

async function act(stack: Stack, action: 'start' | 'stop' | 'restart', svc: string, inst: ServiceInstance): Promise<'done' | 'unchanged'> {
  // The one authorization point: throws unless the container still carries the stack's labels.
  const checked = await resolveStackContainer(stack, inst.id, svc);
  if (action === 'start' && checked.state === 'running') return 'unchanged';
  if (action === 'stop' && checked.state !== 'running' && checked.state !== 'restarting' && checked.state !== 'paused') return 'unchanged';
  const { docker } = getDocker(stack);
  const c = docker.getContainer(checked.id);
  try {
    if (action === 'start') await c.start();
    else if (action === 'stop') await c.stop();
    else await c.restart();
    return 'done';
  } catch (e) {
    // 304: already in the wanted state (changed between the check and the call).
    if ((e as { statusCode?: number }).statusCode === 304) return 'unchanged';
    throw e;
  }
}

/** What was being done to a container, keyed (one literal key per action, for the messages test). */
function doing(act: LifecycleAction, name: string): Said {
  if (act === 'start') return say('errors.docker.doing.lifecycle.start', { name });
  if (act === 'stop') return say('errors.docker.doing.lifecycle.stop', { name });
  return say('errors.docker.doing.lifecycle.restart', { name });
}

/**
 * Runs `action` on one service's containers or, without `service`, on the whole stack (a whole
 * restart is a stop of everything in reverse order, then a start in order). Containers are handled
 * one at a time; the first failure stops the run and is reported with what was already done.
 */
export async function runLifecycle(stack: Stack, action: LifecycleAction, service?: string): Promise<LifecycleResult> {
  // A Swarm stack's services, not containers, are what start and stop (swarm-lifecycle.ts).
  if (stack.runtime === 'swarm') return runSwarmLifecycle(stack, action, service);
  const started = Date.now();
  const services = pick(stack, await listStackServices(stack), service);
  const order = dependencyOrder(stack.composeFiles, services.map((s) => s.name));
  const byName = new Map(services.map((s) => [s.name, s]));
  const forward = order.flatMap((name) => byName.get(name)!.instances.map((inst) => ({ svc: name, inst })));
  if (forward.length === 0) {
    throw new OpsdeckError('conflict', service ? say('errors.lifecycle.serviceNoContainer', { service }) : say('errors.lifecycle.stackNoContainers', { stack: stack.name }));
  }
  const steps: { act: 'start' | 'stop' | 'restart'; svc: string; inst: ServiceInstance }[] =
    action === 'start' ? forward.map((t) => ({ act: 'start', ...t }))
    : action === 'stop' ? [...forward].reverse().map((t) => ({ act: 'stop', ...t }))
    : service ? forward.map((t) => ({ act: 'restart', ...t }))
    : [...[...forward].reverse().map((t) => ({ act: 'stop' as const, ...t })), ...forward.map((t) => ({ act: 'start' as const, ...t }))];

  const done: LifecycleResult['containers'] = [];
  for (const step of steps) {
    try {
      const outcome = await act(stack, step.act, step.svc, step.inst);
      const prior = done.find((d) => d.name === step.inst.name);
      if (prior) prior.outcome = prior.outcome === 'done' || outcome === 'done' ? 'done' : 'unchanged';
      else done.push({ name: step.inst.name, service: step.svc, outcome });
    } catch (e) {
      const { endpoint } = getDocker(stack);
      const err = dockerError(e, endpoint.label, doing(step.act, step.inst.name));
      if (!done.length) throw err;
      throw new OpsdeckError(err.code, say('errors.alreadyDone', { error: userSaidOf(err), names: done.map((d) => d.name).join(', ') }), { detail: err.detail, cause: e });
    }
  }
  return { action, service: service ?? null, containers: done, durationMs: Date.now() - started };
}
