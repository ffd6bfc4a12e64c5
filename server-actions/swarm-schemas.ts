import 'server-only';
import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getStack } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { busyMessage, runningJob } from '@/lib/jobs';
import { stackNameSchema } from './input-schemas';
import { zodText } from '@/lib/i18n/zod-said';

/**
 * Inputs of the Swarm node and service actions. The stack names the cluster (its manager) and is
 * the scope: a node is acted on only through a configured Swarm stack, and a service only when it
 * carries that stack's label (lib/docker/swarm-ops decides that against the engine).
 */
const hostname = z.string().trim().min(1, zodText(say('errors.form.whichNode'))).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, zodText(say('errors.form.badNode')));

export const nodeInput = z.object({ stack: stackNameSchema, node: hostname });
export const drainInput = nodeInput.extend({
  // The dialog lists the tasks that move; the drain is sent only with the user's confirmation.
  confirm: z.literal('drain', { error: zodText(say('errors.form.confirmDrain')) }),
});
export const scaleInput = z.object({
  stack: stackNameSchema,
  service: z.string().trim().min(1, zodText(say('errors.form.whichService'))).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, zodText(say('errors.form.badService'))),
  replicas: z.coerce.number({ error: zodText(say('errors.form.replicasNumber')) }).int(zodText(say('errors.form.replicasWhole'))).min(0, zodText(say('errors.form.atLeastZero'))).max(100, zodText(say('errors.form.atMost100'))),
});

/** The configured Swarm stack, when nothing else (deploy, backup…) holds it. */
export function swarmStackFor(name: string): Stack {
  const stack = getStack(name);
  if (stack.runtime !== 'swarm') throw new OpsdeckError('invalid_input', say('errors.swarm.notSwarmRuntime', { stack: name }));
  const holder = runningJob(name);
  if (holder) throw new OpsdeckError('conflict', busyMessage(name, holder));
  return stack;
}
