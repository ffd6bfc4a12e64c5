/**
 * The upgrade of a `runtime: swarm` stack's app: Swarm itself replaces the tasks one at a time
 * (start-first, each new task must pass the service's health check and stay up for the monitor
 * period) and rolls the service back by itself when one fails. Opsdeck checks beforehand that the
 * tag can be had, starts the update, follows it task by task in the job log and records the outcome.
 * No pre-upgrade backup and no migrations here: the compose path's backup and restore need the
 * database's own node, which this path does not reach; a stack with migrations is refused.
 */
import { OpsdeckError, userMessageOf } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import { notify } from '@/lib/notify';
import type { Stack } from '@/lib/stacks/types';
import { splitImageRef } from '@/lib/docker';
import { swarmSnapshot, type SwarmTask } from '@/lib/docker/swarm';
import { readSwarmLogs, swarmLogTag } from '@/lib/docker/swarm-logs';
import { resolveSwarmImage, swarmServiceState, updateServiceImage } from '@/lib/docker/swarm-update';
import { finishUpgrade, insertUpgrade, updateUpgrade } from './history';
import { say } from '@/lib/i18n/server-text';

export interface SwarmUpgradeOptions {
  targetTag: string;
  runMigrations: boolean;
  /** How long the whole rolling update may take before the job gives up following it. */
  healthTimeoutMs?: number;
  /** Swarm's monitor period per task. */
  monitorMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const ROLLED_BACK = new Set(['rollback_completed', 'rollback_paused', 'paused']);
const POLL_MS = 500;

const tagOf = (image: string) => splitImageRef(image).tag;
const taskName = (service: string, t: SwarmTask) => `${service}${t.slot !== null ? `.${t.slot}` : ''}`;

async function appTasks(stack: Stack, service: string) {
  const svc = (await swarmSnapshot(stack)).services.find((s) => s.name === service);
  if (!svc) throw new OpsdeckError('not_found', `Service ${service} is no longer part of stack ${stack.name}.`);
  return svc;
}

/** The last lines the failed tasks wrote, tagged `memos.1@swarm3`: what the app said before it was replaced. */
async function lastWords(stack: Stack, service: string, taskIds: string[], max = 15): Promise<string[]> {
  const lines = await readSwarmLogs(stack, { services: [service], tail: 200 }).catch(() => []);
  const wanted = taskIds.length ? lines.filter((l) => taskIds.includes(l.taskId)) : lines;
  return wanted.slice(-max).map((l) => `${swarmLogTag(l)} ${l.text}`);
}

export async function upgradeSwarmApp(stack: Stack, opts: SwarmUpgradeOptions, ctx: JobContext): Promise<string> {
  const app = stack.app!;
  const emit = ctx.emit;
  if (opts.runMigrations && app.migrationsDir) {
    throw new OpsdeckError('invalid_input', `Stack ${stack.name} runs on Swarm: upgrades there do not run migrations. Upgrade without migrations, or run them first.`);
  }
  const before = await swarmServiceState(stack, app.service);
  const fromRef = before.image;
  const targetRef = `${splitImageRef(fromRef).repo}:${opts.targetTag}`;
  if (targetRef === fromRef) throw new OpsdeckError('conflict', `${app.service} already runs ${targetRef}.`);
  const fromImage = await resolveSwarmImage(stack, fromRef).catch(() => null);
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'upgrade', service: app.service, fromRef, fromImageId: fromImage?.ok ? (fromImage.imageId ?? fromRef) : fromRef,
    fromVersion: fromImage?.ok ? fromImage.version : null, toRef: targetRef, toImageId: null, toVersion: null, schemaBefore: null, backupId: null,
    startedBy: ctx.user, startedAt: new Date().toISOString(),
  });
  emit({ type: 'log', text: `Upgrading ${app.service} on Swarm: ${fromRef} → ${targetRef}, one task at a time, rolled back by Swarm if a new task fails` });

  // Nothing has changed yet: a tag that cannot be had aborts here.
  emit({ type: 'step', name: 'upgrade.image', ...say('steps.upgrade.imageEveryNode', { ref: targetRef }) });
  let resolved;
  try {
    resolved = await resolveSwarmImage(stack, targetRef);
  } catch (e) {
    resolved = { ok: false as const, reason: userMessageOf(e) };
  }
  if (!resolved.ok) {
    finishUpgrade(ctx.id, 'failed', `Nothing was changed: ${resolved.reason}`, null);
    throw new OpsdeckError('not_found', `Upgrade to ${targetRef} aborted before any change: ${resolved.reason}. ${app.service} still runs ${fromRef}.`);
  }
  emit({ type: 'log', text: resolved.how });
  if (resolved.imageId) updateUpgrade(ctx.id, { toImageId: resolved.imageId, toVersion: resolved.version });
  if (!before.hasHealthcheck) emit({ type: 'log', level: 'warn', text: `${app.service} has no health check: Swarm counts a task as up as soon as it runs.` });

  // What runs now, so the log shows changes only.
  const seen = new Map((await appTasks(stack, app.service)).tasks.map((t) => [t.id, `${t.state} ${tagOf(t.image)}`]));
  emit({ type: 'step', name: 'upgrade.rolling', ...say('steps.upgrade.rolling', { service: app.service }) });
  try {
    await updateServiceImage(stack, app.service, targetRef, { monitorMs: opts.monitorMs ?? 15_000, order: 'start-first' });
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', `Nothing was changed: ${userMessageOf(e)}`, null);
    throw e;
  }

  const deadline = Date.now() + (opts.healthTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  let outcome: 'succeeded' | 'rolled-back' | null = null;
  let lastState = '';
  for (;;) {
    if (ctx.signal.aborted) throw new OpsdeckError('conflict', `The upgrade job was stopped; Swarm goes on with the update of ${app.service} by itself.`);
    const state = await swarmServiceState(stack, app.service);
    const svc = await appTasks(stack, app.service);
    for (const t of [...svc.tasks].reverse()) {
      const now = `${t.state} ${tagOf(t.image)}`;
      if (seen.get(t.id) === now) continue;
      seen.set(t.id, now);
      emit({ type: 'log', level: t.error ? 'warn' : 'info', text: `task ${taskName(app.service, t)} on ${t.node}: ${now}${t.error ? ` (${t.error})` : ''}` });
    }
    // A status left by an earlier update (same StartedAt) says nothing about this one.
    const ours = state.updateStartedAt !== null && state.updateStartedAt !== before.updateStartedAt;
    if (ours && state.updateState && state.updateState !== lastState) {
      lastState = state.updateState;
      emit({ type: 'log', text: `Swarm: update ${state.updateState}${state.updateMessage ? ` (${state.updateMessage})` : ''}` });
    }
    const live = svc.tasks.filter((t) => t.desiredState === 'running');
    const allOn = (ref: string) => live.length === svc.desired && live.every((t) => t.state === 'running' && t.image === ref);
    if (ours && state.updateState === 'completed' && allOn(targetRef)) outcome = 'succeeded';
    else if (ours && state.updateState && ROLLED_BACK.has(state.updateState) && (state.updateState !== 'rollback_completed' || allOn(fromRef))) outcome = 'rolled-back';
    if (outcome) break;
    if (Date.now() > deadline) {
      const why = `Swarm had not finished the update of ${app.service} within ${Math.round((opts.healthTimeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s (state ${state.updateState ?? 'unknown'}); it goes on by itself.`;
      finishUpgrade(ctx.id, 'failed', why, null);
      throw new OpsdeckError('conflict', why);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }

  if (outcome === 'succeeded') {
    finishUpgrade(ctx.id, 'succeeded', null, null);
    return `Upgraded ${app.service} from ${fromRef} to ${targetRef}: every task runs ${opts.targetTag}, healthy.`;
  }

  // Rolled back: the new tasks' own error and the app's last lines say why.
  const svc = await appTasks(stack, app.service);
  // Every task Swarm started on the new image; the one with an error (else the newest) is quoted.
  const failed = svc.tasks.filter((t) => t.image === targetRef).sort((x, y) => x.updatedAt.localeCompare(y.updatedAt));
  const first = failed.find((t) => t.error) ?? failed[failed.length - 1];
  const state = await swarmServiceState(stack, app.service);
  const taskWhy = first ? `task ${taskName(app.service, first)} on ${first.node} ${first.state}: ${first.error ?? 'no error given'}` : (state.updateMessage ?? 'a new task failed');
  const words = await lastWords(stack, app.service, failed.map((t) => t.id));
  const reason = `${taskWhy}${words.length ? `; the app's last line: ${words[words.length - 1]}` : ''}`;
  emit({ type: 'log', level: 'error', text: `Upgrade failed: ${taskWhy}` });
  for (const w of words) emit({ type: 'log', level: 'error', text: w });
  finishUpgrade(ctx.id, 'rolled-back', reason, null);
  notify(stack.name, 'upgrade.rolled-back', { severity: 'warning', title: say('notify.upgradeRolledBackSwarm', { ref: targetRef }), text: say('notify.runsAgain', { reason, ref: fromRef }) });
  const where = state.updateState === 'rollback_completed' ? `every task runs ${fromRef} again` : `Swarm stopped at ${state.updateState}: check the service`;
  throw new OpsdeckError('conflict', `Upgrade to ${targetRef} failed and Swarm rolled it back (${state.updateState}): ${reason}. ${where}.`, {
    detail: [state.updateMessage, ...words].filter(Boolean).join('\n') || undefined,
  });
}
