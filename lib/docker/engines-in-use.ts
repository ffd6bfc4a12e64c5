/**
 * The Docker Engines Opsdeck talks to for its stacks: Opsdeck's own (DOCKER_HOST), each engine a
 * stack names (`docker:`) and each Swarm stack's manager, with the stacks on each. Readiness and the
 * overview ask every one of them, in parallel and bounded, so one engine that does not answer is
 * named as such while the others are described as they are.
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { getDocker } from './client';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import { swarmManager } from './swarm';

export interface EngineInUse {
  /** The engine's address as shown to signed-in users, e.g. "https://10.0.0.7:2376". */
  label: string;
  /** Opsdeck's own engine (DOCKER_HOST, or the default socket). */
  isDefault: boolean;
  /** The stacks whose containers (or Swarm services) live there, in config order. */
  stacks: string[];
  docker: Docker;
}

export type EngineAnswer = { ok: true; version: string } | { ok: false; message: string };

/** Opsdeck's own engine first, then the others in the order the stacks name them. */
export function enginesInUse(stacks: readonly Stack[]): EngineInUse[] {
  const own = getDocker();
  const byClient = new Map<Docker, EngineInUse>([[own.docker, { label: own.endpoint.label, isDefault: true, stacks: [], docker: own.docker }]]);
  for (const stack of stacks) {
    let client: { docker: Docker; endpoint: { label: string } };
    try {
      client = stack.runtime === 'swarm' ? swarmManager(stack) : getDocker(stack);
    } catch {
      continue;
    }
    // The client cache hands out one client per engine, so the same engine is one entry.
    const entry = byClient.get(client.docker) ?? { label: client.endpoint.label, isDefault: false, stacks: [], docker: client.docker };
    entry.stacks.push(stack.name);
    byClient.set(client.docker, entry);
  }
  return [...byClient.values()];
}

/** The engine's version, or why it did not answer within `timeoutMs` (a wedged engine must not hang the caller). */
export async function askEngine(engine: EngineInUse, timeoutMs: number): Promise<EngineAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<EngineAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `Docker did not answer at ${engine.label} within ${Math.round(timeoutMs / 1000)} s.` }), timeoutMs);
    timer.unref();
  });
  const asked = engine.docker.version().then(
    (v): EngineAnswer => ({ ok: true, version: v.Version }),
    (e: unknown): EngineAnswer => ({ ok: false, message: dockerError(e, engine.label, say('errors.docker.doing.checkEngine')).message }),
  );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}
