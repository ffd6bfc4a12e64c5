import 'server-only';
import { z } from 'zod';
import { runLifecycle, type LifecycleAction, type LifecycleResult } from '@/lib/docker';
import { getStack } from '@/lib/stacks';
import { OpsdeckError } from '@/lib/errors';
import { busyMessage, runningJob } from '@/lib/jobs';
import { stackNameSchema } from './input-schemas';

/**
 * Shared by the start/stop/restart actions: their input and the one way they run. Without a
 * service the action applies to the whole stack. Names are checked here for shape only; whether
 * the service belongs to the stack is lib/docker's decision (it refuses anything else).
 */
export const lifecycleInput = z.object({
  stack: stackNameSchema,
  service: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Not a service name.').optional(),
  ),
});
export type LifecycleInput = z.infer<typeof lifecycleInput>;

const DONE: Record<LifecycleAction, string> = { start: 'Started', stop: 'Stopped', restart: 'Restarted' };
const ALREADY: Record<LifecycleAction, string> = { start: 'already running', stop: 'already stopped', restart: 'restarted' };

export function describeLifecycle(i: LifecycleInput): { stack: string; target: string } {
  return { stack: i.stack, target: i.service ?? '(whole stack)' };
}

export async function runLifecycleAction(action: LifecycleAction, i: LifecycleInput): Promise<{ data: LifecycleResult; message: string }> {
  // Never under a running deploy, upgrade, backup or restore: it holds the stack for a reason.
  const holder = runningJob(i.stack);
  if (holder) throw new OpsdeckError('conflict', busyMessage(i.stack, holder));
  const result = await runLifecycle(getStack(i.stack), action, i.service);
  const done = result.containers.filter((c) => c.outcome === 'done').map((c) => c.name);
  const unchanged = result.containers.filter((c) => c.outcome === 'unchanged').map((c) => c.name);
  const what = i.service ? `service ${i.service}` : `stack ${i.stack}`;
  const seconds = (result.durationMs / 1000).toFixed(1);
  const message = done.length
    ? `${DONE[action]} ${what} (${done.join(', ')}) in ${seconds} s.${unchanged.length ? ` ${unchanged.join(', ')}: ${ALREADY[action]}.` : ''}`
    : `Nothing to do: ${what} is ${ALREADY[action]}.`;
  return { data: result, message };
}
