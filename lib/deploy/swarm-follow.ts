/**
 * Following a rolling update of a Swarm service task by task, shared by the upgrade and by "Roll
 * back": each task's change of state or image goes to the job log once, Swarm's own update state
 * too, until every task runs the target image (succeeded) or Swarm has rolled the service back.
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { splitImageRef } from '@/lib/docker';
import { swarmSnapshot, type SwarmTask } from '@/lib/docker/swarm';
import { swarmTaskImages } from '@/lib/docker/swarm-images';
import { swarmServiceState, type SwarmServiceState } from '@/lib/docker/swarm-update';
import { updateUpgrade } from './history';

/** How long a job follows a rolling update before it gives up (Swarm goes on by itself). */
export const DEFAULT_SWARM_TIMEOUT_MS = 10 * 60_000;
const ROLLED_BACK = new Set(['rollback_completed', 'rollback_paused', 'paused']);
const POLL_MS = 500;

export const tagOf = (image: string) => splitImageRef(image).tag;
export const taskName = (service: string, t: SwarmTask) => `${service}${t.slot !== null ? `.${t.slot}` : ''}`;

export async function appTasks(stack: Stack, service: string) {
  const svc = (await swarmSnapshot(stack)).services.find((s) => s.name === service);
  if (!svc) throw new OpsdeckError('not_found', say('errors.swarm.noLongerInStack', { service, stack: stack.name }));
  return svc;
}

/** What each task runs now, so the log of the update shows changes only. */
export async function taskStates(stack: Stack, service: string): Promise<Map<string, string>> {
  return new Map((await appTasks(stack, service)).tasks.map((t) => [t.id, `${t.state} ${tagOf(t.image)}`]));
}

/** The job ran out of time following Swarm; Swarm itself goes on. */
export class SwarmFollowTimeout extends OpsdeckError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'SwarmFollowTimeout';
  }
}

export interface RollingFollow {
  service: string;
  targetRef: string;
  fromRef: string;
  /** The service's state read before the update was asked for: an earlier update's status is not ours. */
  before: SwarmServiceState;
  /** From taskStates() before the update. */
  seen: Map<string, string>;
  timeoutMs: number;
  /** "upgrade" or "rollback", for the messages. */
  what: 'upgrade' | 'rollback';
}

/**
 * Polls the manager until the update has ended: every desired task running `targetRef`
 * ('succeeded'), or Swarm has rolled the service back to `fromRef` or paused ('rolled-back').
 */
export async function followRollingUpdate(stack: Stack, f: RollingFollow, ctx: JobContext): Promise<'succeeded' | 'rolled-back'> {
  const deadline = Date.now() + f.timeoutMs;
  let lastState = '';
  for (;;) {
    if (ctx.signal.aborted) throw new OpsdeckError('conflict', say('errors.swarm.jobStopped', { job: f.what === 'rollback' ? say('errors.swarm.jobRollback') : say('errors.swarm.jobUpgrade'), service: f.service }));
    const state = await swarmServiceState(stack, f.service);
    const svc = await appTasks(stack, f.service);
    for (const t of [...svc.tasks].reverse()) {
      const now = `${t.state} ${tagOf(t.image)}`;
      if (f.seen.get(t.id) === now) continue;
      f.seen.set(t.id, now);
      ctx.emit({ type: 'log', level: t.error ? 'warn' : 'info', ...say('log.swarmTask', { task: taskName(f.service, t), node: t.node, now, error: t.error ? ` (${t.error})` : '' }) });
    }
    // A status left by an earlier update (same StartedAt) says nothing about this one.
    const ours = state.updateStartedAt !== null && state.updateStartedAt !== f.before.updateStartedAt;
    if (ours && state.updateState && state.updateState !== lastState) {
      lastState = state.updateState;
      ctx.emit({ type: 'log', ...say('log.swarmUpdateState', { state: state.updateState, message: state.updateMessage ? ` (${state.updateMessage})` : '' }) });
    }
    const live = svc.tasks.filter((t) => t.desiredState === 'running');
    const allOn = (ref: string) => live.length === svc.desired && live.every((t) => t.state === 'running' && t.image === ref);
    if (ours && state.updateState === 'completed' && allOn(f.targetRef)) return 'succeeded';
    if (ours && state.updateState && ROLLED_BACK.has(state.updateState) && (state.updateState !== 'rollback_completed' || allOn(f.fromRef))) return 'rolled-back';
    if (Date.now() > deadline) {
      throw new SwarmFollowTimeout(`Swarm had not finished the update of ${f.service} within ${Math.round(f.timeoutMs / 1000)} s (state ${state.updateState ?? 'unknown'}); it goes on by itself.`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Writes which task ran which image into the history entry, when the job ends whichever way. Never
 * throws: a manager that does not answer at that moment must not change the job's outcome.
 */
export async function recordTaskImages(stack: Stack, service: string, jobId: string, ctx: JobContext): Promise<void> {
  try {
    const tasks = await swarmTaskImages(stack, service);
    updateUpgrade(jobId, { tasks });
    if (tasks.length) ctx.emit({ type: 'log', ...say('log.swarmTasksAtEnd', { tasks: tasks.map((t) => `${service}.${t.slot ?? '·'}@${t.node} ${t.image} (${t.state})`).join(', ') }) });
  } catch (e) {
    ctx.emit({ type: 'log', level: 'warn', ...say('log.swarmTasksUnread', { reason: (e as Error).message }) });
  }
}
