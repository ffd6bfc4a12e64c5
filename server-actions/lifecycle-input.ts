import 'server-only';
import { z } from 'zod';
import { runLifecycle, type LifecycleAction, type LifecycleResult } from '@/lib/docker';
import { getStack } from '@/lib/stacks';
import { OpsdeckError } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say, sayIn } from '@/lib/i18n/server-text';
import { busyMessage, runningJob } from '@/lib/jobs';
import { requestLocale } from './session';
import { stackNameSchema } from './input-schemas';
import { zodText } from '@/lib/i18n/zod-said';

/**
 * Shared by the start/stop/restart actions: their input and the one way they run. Without a
 * service the action applies to the whole stack. Names are checked here for shape only; whether
 * the service belongs to the stack is lib/docker's decision (it refuses anything else).
 */
export const lifecycleInput = z.object({
  stack: stackNameSchema,
  service: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, zodText(say('errors.form.badService'))).optional(),
  ),
});
export type LifecycleInput = z.infer<typeof lifecycleInput>;

type Params = Record<string, string | Said>;
// One literal key per action, so the messages parity test sees each.
const DONE: Record<LifecycleAction, (p: Params) => Said> = {
  start: (p) => say('lifecycle.started', p),
  stop: (p) => say('lifecycle.stopped', p),
  restart: (p) => say('lifecycle.restarted', p),
};
const UNCHANGED: Record<LifecycleAction, (p: Params) => Said> = {
  start: (p) => say('lifecycle.unchangedStart', p),
  stop: (p) => say('lifecycle.unchangedStop', p),
  restart: (p) => say('lifecycle.unchangedRestart', p),
};
const NOTHING: Record<LifecycleAction, (p: Params) => Said> = {
  start: (p) => say('lifecycle.nothingStart', p),
  stop: (p) => say('lifecycle.nothingStop', p),
  restart: (p) => say('lifecycle.nothingRestart', p),
};

/** What a start/stop/restart did, as keyed text (the English is the same as before keys). */
export function lifecycleMessage(action: LifecycleAction, i: LifecycleInput, result: LifecycleResult): Said {
  const done = result.containers.filter((c) => c.outcome === 'done').map((c) => c.name);
  const unchanged = result.containers.filter((c) => c.outcome === 'unchanged').map((c) => c.name);
  const what = i.service ? say('lifecycle.service', { service: i.service }) : say('lifecycle.stack', { stack: i.stack });
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (!done.length) return NOTHING[action]({ what });
  return DONE[action]({ what, containers: done.join(', '), seconds, unchanged: unchanged.length ? UNCHANGED[action]({ containers: unchanged.join(', ') }) : '' });
}

export function describeLifecycle(i: LifecycleInput): { stack: string; target: string } {
  return { stack: i.stack, target: i.service ?? '(whole stack)' };
}

export async function runLifecycleAction(action: LifecycleAction, i: LifecycleInput): Promise<{ data: LifecycleResult; message: string }> {
  // Never under a running deploy, upgrade, backup or restore: it holds the stack for a reason.
  const holder = runningJob(i.stack);
  if (holder) throw new OpsdeckError('conflict', busyMessage(i.stack, holder));
  const result = await runLifecycle(getStack(i.stack), action, i.service);
  return { data: result, message: sayIn(await requestLocale(), lifecycleMessage(action, i, result)) };
}
