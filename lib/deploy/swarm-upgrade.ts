/**
 * The upgrade of a `runtime: swarm` stack's app: Swarm itself replaces the tasks one at a time
 * (start-first, each new task must pass the service's health check and stay up for the monitor
 * period) and rolls the service back by itself when one fails. Opsdeck checks beforehand that the
 * tag can be had, starts the update, follows it task by task in the job log and records the outcome.
 * As on compose: a verified pre-upgrade backup before anything changes (taken through the engine of
 * the database task's node: lib/docker/swarm-tasks.ts), then the pending migrations, then the update.
 * When a migration fails or Swarm rolls the app back after one committed, the pre-upgrade backup is
 * restored through the safe restore path (the app scaled to 0 and back around the swap).
 */
import { isOpsdeckError, OpsdeckError, userMessageOf, userSaidOf } from '@/lib/errors';
import { restoreDatabase } from '@/lib/backup/restore';
import { takeBackup } from '@/lib/backup/take-backup';
import type { JobContext } from '@/lib/jobs';
import { notify } from '@/lib/notify';
import type { Stack } from '@/lib/stacks/types';
import { splitImageRef } from '@/lib/docker';
import { readSwarmLogs, swarmLogTag } from '@/lib/docker/swarm-logs';
import { resolveSwarmImage, swarmServiceState, updateServiceImage } from '@/lib/docker/swarm-update';
import { finishUpgrade, insertUpgrade, updateUpgrade } from './history';
import { appTasks, DEFAULT_SWARM_TIMEOUT_MS, followRollingUpdate, recordTaskImages, SwarmFollowTimeout, taskName, taskStates } from './swarm-follow';
import { pendingMigrations, readSchemaVersion, runMigrations } from './migrations';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { SWARM_UPDATE_NOTE, type SwarmUpdateNote } from './swarm-recovery';

export interface SwarmUpgradeOptions {
  targetTag: string;
  runMigrations: boolean;
  /** How long the whole rolling update may take before the job gives up following it. */
  healthTimeoutMs?: number;
  /** Swarm's monitor period per task. */
  monitorMs?: number;
}

/** The last lines the failed tasks wrote, tagged `memos.1@swarm3`: what the app said before it was replaced. */
async function lastWords(stack: Stack, service: string, taskIds: string[], max = 15): Promise<string[]> {
  const lines = await readSwarmLogs(stack, { services: [service], tail: 200 }).catch(() => []);
  const wanted = taskIds.length ? lines.filter((l) => taskIds.includes(l.taskId)) : lines;
  return wanted.slice(-max).map((l) => `${swarmLogTag(l)} ${l.text}`);
}

interface DataPlan {
  backupId: string | null;
  schemaBefore: string | null;
  migrated: string[];
  healthTimeoutMs?: number;
}

/**
 * After a failure: when a migration committed or the schema moved, the pre-upgrade backup goes back
 * in through the safe restore (the database it replaces is kept). Returns what was done, for the summary.
 */
async function restoreDataIfChanged(stack: Stack, plan: DataPlan, ctx: JobContext): Promise<Said | ''> {
  const schemaNow = await readSchemaVersion(stack).catch(() => 'unknown');
  if (plan.migrated.length === 0 && schemaNow === plan.schemaBefore) return '';
  const what = plan.migrated.length ? say('errors.swarm.migrationsCommitted', { migrations: plan.migrated.join(', ') }) : say('errors.swarm.schemaChanged');
  if (!plan.backupId) throw new OpsdeckError('conflict', say('errors.swarm.noBackupForData', { what }));
  ctx.emit({ type: 'step', name: 'upgrade.rollback', ...say('steps.upgrade.restoreData', { what, before: plan.schemaBefore ?? 'none', now: schemaNow ?? 'none', backup: plan.backupId }) });
  await restoreDatabase(stack, plan.backupId, ctx, { healthTimeoutMs: plan.healthTimeoutMs });
  return say('errors.swarm.restoredFrom', { backup: plan.backupId });
}

const textOf = (s: string | Said) => (typeof s === 'string' ? s : s.text);

/** Records and throws a failure after the data may have changed, restoring the backup first when it did. */
async function failWithData(stack: Stack, plan: DataPlan, reason: Said, ctx: JobContext, cause: unknown): Promise<never> {
  let restored: Said | '';
  try {
    restored = await restoreDataIfChanged(stack, plan, ctx);
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', `${reason.text} / rollback: ${userMessageOf(e)}`, null);
    throw new OpsdeckError('conflict', say('errors.swarm.restoreFailed', { reason, backup: plan.backupId ?? '', why: userSaidOf(e) }), { cause: e });
  }
  finishUpgrade(ctx.id, restored ? 'rolled-back' : 'failed', `${reason.text}${textOf(restored)}`, await readSchemaVersion(stack).catch(() => null));
  throw new OpsdeckError('conflict', say('errors.swarm.dataFailed', { reason, restored: restored || say('errors.swarm.nothingChanged') }), { detail: isOpsdeckError(cause) ? cause.detail : undefined, cause });
}

/** The upgrade job; whichever way it ends, its history entry records which task runs which image. */
export async function upgradeSwarmApp(stack: Stack, opts: SwarmUpgradeOptions, ctx: JobContext): Promise<Said> {
  try {
    return await runSwarmUpgrade(stack, opts, ctx);
  } finally {
    await recordTaskImages(stack, stack.app!.service, ctx.id, ctx);
    // Ended either way: nothing for the start-up recovery to report (swarm-recovery.ts).
    ctx.forget(SWARM_UPDATE_NOTE);
  }
}

async function runSwarmUpgrade(stack: Stack, opts: SwarmUpgradeOptions, ctx: JobContext): Promise<Said> {
  const app = stack.app!;
  const emit = ctx.emit;
  const before = await swarmServiceState(stack, app.service);
  const fromRef = before.image;
  const targetRef = `${splitImageRef(fromRef).repo}:${opts.targetTag}`;
  if (targetRef === fromRef) throw new OpsdeckError('conflict', say('errors.upgrade.alreadyRuns', { service: app.service, ref: targetRef }));
  const fromImage = await resolveSwarmImage(stack, fromRef).catch(() => null);
  const schemaBefore = await readSchemaVersion(stack);
  const data: DataPlan = { backupId: null, schemaBefore, migrated: [], healthTimeoutMs: opts.healthTimeoutMs };
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'upgrade', service: app.service, fromRef, fromImageId: fromImage?.ok ? (fromImage.imageId ?? fromRef) : fromRef,
    fromVersion: fromImage?.ok ? fromImage.version : null, toRef: targetRef, toImageId: null, toVersion: null, schemaBefore, backupId: null,
    startedBy: ctx.user, startedAt: new Date().toISOString(),
  });
  const note: SwarmUpdateNote = { stack: stack.name, service: app.service, kind: 'upgrade', fromRef, targetRef, backupId: null, schemaBefore, updateStartedAt: before.updateStartedAt };
  ctx.remember(SWARM_UPDATE_NOTE, note);
  emit({ type: 'log', ...say('log.swarmUpgrading', { service: app.service, from: fromRef, to: targetRef }) });

  if (stack.database) {
    emit({ type: 'step', name: 'upgrade.backup', ...say('steps.upgrade.backup') });
    try {
      data.backupId = (await takeBackup(stack, { reason: 'pre-upgrade' }, ctx)).id;
      updateUpgrade(ctx.id, { backupId: data.backupId });
      ctx.remember(SWARM_UPDATE_NOTE, { ...note, backupId: data.backupId });
    } catch (e) {
      finishUpgrade(ctx.id, 'failed', `Backup failed: ${userMessageOf(e)}`, schemaBefore);
      throw new OpsdeckError('conflict', say('errors.upgrade.backupFailed', { reason: userSaidOf(e) }), { detail: isOpsdeckError(e) ? e.detail : undefined, cause: e });
    }
  }

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
    throw new OpsdeckError('not_found', say('errors.swarm.abortedBeforeChange', { ref: targetRef, reason: resolved.reason, service: app.service, current: fromRef }));
  }
  emit({ type: 'log', text: resolved.how });
  if (resolved.imageId) updateUpgrade(ctx.id, { toImageId: resolved.imageId, toVersion: resolved.version });
  if (!before.hasHealthcheck) emit({ type: 'log', level: 'warn', ...say('log.swarmNoHealthcheck', { service: app.service }) });

  if (opts.runMigrations && app.migrationsDir) {
    const pending = pendingMigrations(app.migrationsDir, schemaBefore);
    emit({ type: 'step', name: 'upgrade.migrations', text: pending.length ? `Running ${pending.length} migration(s): ${pending.map((m) => m.version).join(', ')}` : 'No migration is newer than the database' });
    try {
      await runMigrations(stack, pending, emit, data.migrated);
    } catch (e) {
      updateUpgrade(ctx.id, { migrations: data.migrated });
      emit({ type: 'log', level: 'error', ...say('log.upgradeFailed', { reason: userMessageOf(e) }) });
      // Swarm has not been asked to change anything: the app still runs the previous image.
      return failWithData(stack, data, say('errors.swarm.failedBeforeApp', { ref: targetRef, why: userSaidOf(e) }), ctx, e);
    }
    updateUpgrade(ctx.id, { migrations: data.migrated });
  }

  // What runs now, so the log shows changes only.
  const seen = await taskStates(stack, app.service);
  emit({ type: 'step', name: 'upgrade.rolling', ...say('steps.upgrade.rolling', { service: app.service }) });
  try {
    await updateServiceImage(stack, app.service, targetRef, { monitorMs: opts.monitorMs ?? 15_000, order: 'start-first' });
  } catch (e) {
    if (data.migrated.length) return failWithData(stack, data, say('errors.swarm.upgradeFailedWhy', { ref: targetRef, why: userSaidOf(e) }), ctx, e);
    finishUpgrade(ctx.id, 'failed', `Nothing was changed: ${userMessageOf(e)}`, schemaBefore);
    throw e;
  }

  let outcome: 'succeeded' | 'rolled-back';
  try {
    outcome = await followRollingUpdate(stack, { service: app.service, targetRef, fromRef, before, seen, timeoutMs: opts.healthTimeoutMs ?? DEFAULT_SWARM_TIMEOUT_MS, what: 'upgrade' }, ctx);
  } catch (e) {
    if (e instanceof SwarmFollowTimeout) finishUpgrade(ctx.id, 'failed', e.message, null);
    throw e;
  }

  if (outcome === 'succeeded') {
    finishUpgrade(ctx.id, 'succeeded', null, await readSchemaVersion(stack).catch(() => null));
    return say('jobs.summary.upgradeSwarm', { service: app.service, from: fromRef, to: targetRef, tag: opts.targetTag });
  }

  // Rolled back: the new tasks' own error and the app's last lines say why.
  const svc = await appTasks(stack, app.service);
  // Every task Swarm started on the new image; the one with an error (else the newest) is quoted.
  const failed = svc.tasks.filter((t) => t.image === targetRef).sort((x, y) => x.updatedAt.localeCompare(y.updatedAt));
  const first = failed.find((t) => t.error) ?? failed[failed.length - 1];
  const state = await swarmServiceState(stack, app.service);
  const taskWhy = first
    ? say('errors.swarm.taskWhy', { task: taskName(app.service, first), node: first.node, state: first.state, error: first.error ?? say('errors.swarm.noErrorGiven') })
    : (state.updateMessage ?? say('errors.swarm.newTaskFailed'));
  const words = await lastWords(stack, app.service, failed.map((t) => t.id));
  const reason = words.length ? say('errors.swarm.whyLastLine', { why: taskWhy, line: words[words.length - 1] }) : taskWhy;
  emit({ type: 'log', level: 'error', ...say('log.upgradeFailed', { reason: textOf(taskWhy) }) });
  for (const w of words) emit({ type: 'log', level: 'error', text: w });
  const where = state.updateState === 'rollback_completed' ? say('errors.swarm.everyTaskRunsAgain', { image: fromRef }) : say('errors.swarm.stoppedAt', { state: String(state.updateState) });
  // The app is back on the previous image; the data goes back too when a migration had moved it.
  let restored: Said | '';
  try {
    restored = await restoreDataIfChanged(stack, data, ctx);
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', `${textOf(reason)} / rollback: ${userMessageOf(e)}`, null);
    const why = userSaidOf(e);
    throw new OpsdeckError('conflict', say('errors.swarm.rolledBackRestoreFailed', { ref: targetRef, state: String(state.updateState), reason, where, backup: data.backupId ?? '', why }), { cause: e });
  }
  finishUpgrade(ctx.id, 'rolled-back', `${textOf(reason)}${textOf(restored)}`, null);
  notify(stack.name, 'upgrade.rolled-back', { severity: 'warning', title: say('notify.upgradeRolledBackSwarm', { ref: targetRef }), text: say('notify.upgradeRolledBackSwarmText', { reason, from: fromRef, restored }) });
  throw new OpsdeckError('conflict', say('errors.swarm.rolledBack', { ref: targetRef, state: String(state.updateState), reason, where, restored }), {
    detail: [state.updateMessage, ...words].filter(Boolean).join('\n') || undefined,
  });
}
