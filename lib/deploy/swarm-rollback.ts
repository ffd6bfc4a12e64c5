/**
 * "Roll back" of a finished upgrade of a `runtime: swarm` stack's app: the service goes back to the
 * image it ran before, and the data to the pre-upgrade backup when the upgrade moved it.
 *
 * Data unchanged: a rolling update to the previous image with the upgrade's own policy (one task at
 * a time, start-first, rolled back by Swarm if a task fails), followed task by task in the job log.
 * Data changed (migrations committed, or the schema moved): no rolling update, since the previous
 * release may refuse the newer schema (and a task of the new one would keep writing to it); instead
 * the app is scaled to 0, its spec set to the previous image while no task runs, and the safe
 * restore swaps in the pre-upgrade backup and scales the app back up on it, behind its health gate.
 */
import { restoreDatabase } from '@/lib/backup/restore';
import { startService, stopService } from '@/lib/docker';
import { resolveSwarmImage, swarmServiceState, updateServiceImage } from '@/lib/docker/swarm-update';
import { OpsdeckError, userMessageOf, userSaidOf } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import type { Stack } from '@/lib/stacks/types';
import { finishUpgrade, insertUpgrade, lastSuccessfulUpgrade, type UpgradeRecord } from './history';
import { readSchemaVersion } from './migrations';
import { SWARM_UPDATE_NOTE, type SwarmUpdateNote } from './swarm-recovery';
import { appTasks, DEFAULT_SWARM_TIMEOUT_MS, followRollingUpdate, recordTaskImages, taskName, taskStates } from './swarm-follow';

export interface SwarmRollbackOptions {
  /** The rolling update's (or the restore's health gate's) time limit. */
  healthTimeoutMs?: number;
  /** Swarm's monitor period per task, as for the upgrade. */
  monitorMs?: number;
}

const UPDATING = new Set(['updating', 'rollback_started']);

/** Refusals before anything changes: each says why there is nothing (safe) to roll back. */
async function checkRollback(stack: Stack, service: string): Promise<{ last: UpgradeRecord; current: string; schemaNow: string | null; dataBack: boolean }> {
  const last = lastSuccessfulUpgrade(stack.name);
  if (!last) throw new OpsdeckError('conflict', say('errors.upgrade.nothingToRollBack'));
  const state = await swarmServiceState(stack, service);
  if (state.updateState && UPDATING.has(state.updateState)) throw new OpsdeckError('conflict', say('errors.swarm.stillUpdating', { service, state: state.updateState }));
  if (state.image === last.fromRef) throw new OpsdeckError('conflict', say('errors.swarm.alreadyBack', { service, ref: last.fromRef }));
  if (state.image !== last.toRef) {
    throw new OpsdeckError('conflict', say('errors.swarm.changedSince', { service, image: state.image, ref: last.toRef }));
  }
  const schemaNow = await readSchemaVersion(stack);
  // A committed migration counts even when it did not bump the version: its changes are in the data.
  const dataBack = last.migrations.length > 0 || schemaNow !== last.schemaBefore;
  if (dataBack && !last.backupId) throw new OpsdeckError('conflict', say('errors.swarm.noBackupToRestore', { before: last.schemaBefore ?? say('errors.none'), after: schemaNow ?? say('errors.none') }));
  const image = await resolveSwarmImage(stack, last.fromRef).catch((e) => ({ ok: false as const, reason: userMessageOf(e) }));
  if (!image.ok) throw new OpsdeckError('not_found', say('errors.swarm.cannotBeHad', { ref: last.fromRef, reason: image.reason }));
  return { last, current: state.image, schemaNow, dataBack };
}

/** Data unchanged: the rolling update back, followed task by task. */
async function rollImageBack(stack: Stack, service: string, last: UpgradeRecord, opts: SwarmRollbackOptions, ctx: JobContext): Promise<void> {
  const before = await swarmServiceState(stack, service);
  const seen = await taskStates(stack, service);
  ctx.emit({ type: 'step', name: 'rollback.rolling', ...say('steps.rollback.rolling', { service, ref: last.fromRef }) });
  await updateServiceImage(stack, service, last.fromRef, { monitorMs: opts.monitorMs ?? 15_000, order: 'start-first' });
  const outcome = await followRollingUpdate(stack, { service, targetRef: last.fromRef, fromRef: last.toRef, before, seen, timeoutMs: opts.healthTimeoutMs ?? DEFAULT_SWARM_TIMEOUT_MS, what: 'rollback' }, ctx);
  if (outcome === 'succeeded') return;
  const failed = (await appTasks(stack, service)).tasks.filter((t) => t.image === last.fromRef && t.error);
  const why = failed[0] ? say('errors.swarm.taskWhy', { task: taskName(service, failed[0]), node: failed[0].node, state: failed[0].state, error: failed[0].error ?? '' }) : say('errors.swarm.previousTaskFailed');
  throw new OpsdeckError('conflict', say('errors.swarm.couldNotRollBack', { from: last.fromRef, to: last.toRef, why }));
}

/** Data changed: app to 0, previous image set while nothing runs, then the safe restore brings the app back on it. */
async function rollImageAndDataBack(stack: Stack, service: string, last: UpgradeRecord, opts: SwarmRollbackOptions, ctx: JobContext): Promise<void> {
  ctx.emit({ type: 'step', name: 'rollback.stop', ...say('steps.rollback.stop', { service }) });
  const n = await stopService(stack, service);
  ctx.emit({ type: 'log', ...say('log.rollback.stopped', { count: String(n), service }) });
  try {
    await updateServiceImage(stack, service, last.fromRef, { monitorMs: opts.monitorMs ?? 15_000, order: 'start-first' });
    ctx.emit({ type: 'log', ...say('log.rollback.imageSet', { service, ref: last.fromRef }) });
    ctx.emit({ type: 'step', name: 'rollback.restore', ...say('steps.rollback.restore', { backup: String(last.backupId) }) });
    await restoreDatabase(stack, last.backupId!, ctx, { healthTimeoutMs: opts.healthTimeoutMs });
  } catch (e) {
    // The data is the upgraded one again (the restore swaps back on failure): so is the image.
    ctx.emit({ type: 'log', level: 'error', ...say('log.rollback.failedPutBack', { reason: userSaidOf(e), service, ref: last.toRef }) });
    await updateServiceImage(stack, service, last.toRef, { monitorMs: opts.monitorMs ?? 15_000, order: 'start-first' }).catch(() => undefined);
    await startService(stack, service).catch(() => undefined);
    throw e;
  }
}

export async function rollbackSwarmUpgrade(stack: Stack, ctx: JobContext, opts: SwarmRollbackOptions = {}): Promise<Said> {
  const service = stack.app!.service;
  const { last, current, schemaNow, dataBack } = await checkRollback(stack, service);
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'rollback', service, fromRef: current, fromImageId: last.toImageId ?? current, fromVersion: last.toVersion,
    toRef: last.fromRef, toImageId: last.fromImageId, toVersion: last.fromVersion, schemaBefore: schemaNow, backupId: last.backupId, startedBy: ctx.user,
    startedAt: new Date().toISOString(),
  });
  const note: SwarmUpdateNote = {
    stack: stack.name, service, kind: 'rollback', fromRef: current, targetRef: last.fromRef, backupId: last.backupId, targetSchema: last.schemaBefore, schemaBefore: schemaNow, dataBack,
    updateStartedAt: (await swarmServiceState(stack, service)).updateStartedAt,
  };
  ctx.remember(SWARM_UPDATE_NOTE, note);
  const data = dataBack ? say('log.rollback.swarmData', { backup: String(last.backupId), now: schemaNow ?? 'none', before: last.schemaBefore ?? 'none' }) : '';
  ctx.emit({ type: 'log', ...say('log.rollback.swarmStart', { service, from: current, to: last.fromRef, data }) });
  try {
    if (dataBack) await rollImageAndDataBack(stack, service, last, opts, ctx);
    else await rollImageBack(stack, service, last, opts, ctx);
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', userMessageOf(e), await readSchemaVersion(stack).catch(() => null));
    await recordTaskImages(stack, service, ctx.id, ctx);
    ctx.forget(SWARM_UPDATE_NOTE);
    throw e;
  }
  finishUpgrade(ctx.id, 'succeeded', null, await readSchemaVersion(stack).catch(() => null));
  await recordTaskImages(stack, service, ctx.id, ctx);
  ctx.forget(SWARM_UPDATE_NOTE);
  const restored = dataBack ? say('jobs.summary.rollbackSwarmRestored', { backup: last.backupId ?? '' }) : '';
  return say('jobs.summary.rollbackSwarm', { service, ref: last.fromRef, restored });
}
