import { inspectImage, pingDocker, pullImage, runningImageOf, splitImageRef, type ImageInfo } from '@/lib/docker';
import { runCompose } from '@/lib/docker/compose-cli';
import { isOpsdeckError, OpsdeckError, userMessageOf, userSaidOf } from '@/lib/errors';
import { restoreDatabase } from '@/lib/backup/restore';
import { takeBackup } from '@/lib/backup/take-backup';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { composeProjectOf, pinImage, pinnedImage, unpinImage } from './compose-project';
import { DEFAULT_HEALTH_TIMEOUT_MS, waitForHealthy } from './health-gate';
import { notify } from '@/lib/notify';
import { finishUpgrade, insertUpgrade, lastSuccessfulUpgrade, updateUpgrade } from './history';
import { pendingMigrations, readSchemaVersion, runMigrations } from './migrations';
import { rollbackSwarmUpgrade } from './swarm-rollback';
import { upgradeSwarmApp } from './swarm-upgrade';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export interface UpgradeOptions {
  /** Tag of the app image's repository, e.g. "1.1.0". */
  targetTag: string;
  runMigrations: boolean;
  healthTimeoutMs?: number;
}

export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function appOf(stack: Stack) {
  if (!stack.app) throw new OpsdeckError('invalid_input', say('errors.upgrade.noApp', { stack: stack.name }));
  return stack.app;
}

/** The reference a rollback pins: the old tag if it still names the same image, else the image id. */
function rollbackRef(ref: string, image: ImageInfo, now: ImageInfo | null): string {
  return now && now.id === image.id ? ref : image.id;
}

async function recreateApp(stack: Stack, service: string, ref: string, ctx: JobContext): Promise<void> {
  const previous = pinnedImage(stack, service);
  pinImage(stack, service, ref);
  const r = await runCompose(composeProjectOf(stack), ['up', '-d', '--no-deps', service], {
    signal: ctx.signal,
    onLine: (line) => ctx.emit({ type: 'log', text: line }),
  });
  if (r.code !== 0) {
    // Compose failed: the pin goes back to what ran before, the image the data was made for, since a
    // later deploy or recovery applies the pin (the target may never have started).
    if (previous) pinImage(stack, service, previous);
    else unpinImage(stack);
    // Compose only says "cannot connect"; the engine's own answer names the endpoint and what to do.
    const ping = await pingDocker(stack);
    if (!ping.ok) throw ping.error;
    throw new OpsdeckError('conflict', say('errors.upgrade.recreateFailed', { service, ref }), { detail: r.stderr.slice(-2000) });
  }
}

/**
 * The upgrade job: verified backup (abort if it fails) → target image present (pull if needed) →
 * record what runs now → pending SQL migrations, each in its own transaction → recreate the app on
 * the target → health gate. A failure before the first change (backup, image) aborts with nothing to
 * undo; one after it rolls back to the recorded image and, when a migration committed or the schema
 * moved, to the backup through the safe restore path; the stack ends healthy on the old version and
 * the job fails saying what happened.
 */
export async function upgradeApp(stack: Stack, opts: UpgradeOptions, ctx: JobContext): Promise<string | Said> {
  const app = appOf(stack);
  const emit = ctx.emit;
  if (!TAG.test(opts.targetTag)) throw new OpsdeckError('invalid_input', say('errors.upgrade.badTag'));
  // The runtime seam: on Swarm the engine rolls the tasks over (and back) itself.
  if (stack.runtime === 'swarm') return upgradeSwarmApp(stack, opts, ctx);
  const current = await runningImageOf(stack, app.service);
  if (!current) throw new OpsdeckError('conflict', say('errors.upgrade.noContainer', { service: app.service }));
  const targetRef = `${splitImageRef(current.ref).repo}:${opts.targetTag}`;
  const schemaBefore = await readSchemaVersion(stack);
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'upgrade', service: app.service, fromRef: current.ref, fromImageId: current.image.id,
    fromVersion: current.image.version, toRef: targetRef, toImageId: null, toVersion: null, schemaBefore, backupId: null,
    startedBy: ctx.user, startedAt: new Date().toISOString(),
  });
  emit({ type: 'log', ...say('log.upgrade.start', { service: app.service, from: current.ref, version: current.image.version ?? say('log.upgrade.unknownVersion'), schema: schemaBefore ?? 'none', to: targetRef }) });

  emit({ type: 'step', name: 'upgrade.backup', ...say('steps.upgrade.backup') });
  let backupId: string;
  try {
    backupId = (await takeBackup(stack, { reason: 'pre-upgrade' }, ctx)).id;
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', `Backup failed: ${userMessageOf(e)}`, schemaBefore);
    throw new OpsdeckError('conflict', say('errors.upgrade.backupFailed', { reason: userSaidOf(e) }), { detail: isOpsdeckError(e) ? e.detail : undefined, cause: e });
  }
  updateUpgrade(ctx.id, { backupId });

  // Nothing has changed yet: a target that cannot be had aborts the upgrade, with no rollback to report.
  emit({ type: 'step', name: 'upgrade.image', ...say('steps.upgrade.image', { ref: targetRef }) });
  let target: ImageInfo;
  try {
    let found = await inspectImage(targetRef, stack);
    if (!found) {
      await pullImage(targetRef, (l) => emit({ type: 'log', text: l }), ctx.signal, stack);
      found = await inspectImage(targetRef, stack);
    }
    if (!found) throw new OpsdeckError('not_found', say('errors.upgrade.notPresent', { ref: targetRef }));
    target = found;
  } catch (e) {
    const reason = userMessageOf(e);
    finishUpgrade(ctx.id, 'failed', `Nothing was changed: ${reason}`, schemaBefore);
    throw new OpsdeckError(isOpsdeckError(e) ? e.code : 'internal', say('errors.upgrade.abortedBeforeChange', { ref: targetRef, reason: userSaidOf(e), service: app.service, current: current.ref }), { detail: isOpsdeckError(e) ? e.detail : undefined, cause: e });
  }
  const repo = splitImageRef(targetRef).repo;
  updateUpgrade(ctx.id, { toImageId: target.id, toVersion: target.version, toDigest: target.repoDigests.find((d) => d.startsWith(`${repo}@`)) ?? null });
  ctx.remember('upgrade', { stack: stack.name, service: app.service, rollbackRef: current.image.id });

  // Filled by runMigrations as each file commits, so a failure halfway still says what is applied.
  const migrated: string[] = [];
  let recreated = false;
  try {
    if (opts.runMigrations && app.migrationsDir) {
      const pending = pendingMigrations(app.migrationsDir, schemaBefore);
      emit({ type: 'step', name: 'upgrade.migrations', ...(pending.length ? say('steps.upgrade.migrations', { count: String(pending.length), versions: pending.map((m) => m.version).join(', ') }) : say('steps.upgrade.noMigrations')) });
      try {
        await runMigrations(stack, pending, emit, migrated);
      } finally {
        updateUpgrade(ctx.id, { migrations: migrated });
      }
    }

    emit({ type: 'step', name: 'upgrade.recreate', ...say('steps.upgrade.recreate', { service: app.service, ref: targetRef }) });
    recreated = true;
    await recreateApp(stack, app.service, targetRef, ctx);
    await waitForHealthy(stack, emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
  } catch (failure) {
    const reason = userMessageOf(failure);
    const detail = isOpsdeckError(failure) ? failure.detail : undefined;
    emit({ type: 'log', level: 'error', ...say('log.upgradeFailed', { reason: userSaidOf(failure) }) });
    if (detail) emit({ type: 'log', level: 'error', text: detail });
    try {
      const ref = rollbackRef(current.ref, current.image, await inspectImage(current.ref, stack));
      // The rollback waits longer than the gate did: giving up on the old version leaves the stack
      // down, while the gate's patience with the new one only delays this rollback.
      const rollbackTimeoutMs = 2 * (opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
      await rollBack(stack, { service: app.service, ref, recreated, backupId, schemaBefore, migrated, healthTimeoutMs: rollbackTimeoutMs }, ctx);
    } catch (rollbackFailure) {
      const why = userMessageOf(rollbackFailure);
      finishUpgrade(ctx.id, 'failed', `${reason} / rollback: ${why}`, null);
      ctx.forget('upgrade');
      const committed = migrated.length ? say('errors.upgrade.committed', { migrations: migrated.join(', ') }) : '';
      const said = say('errors.upgrade.rollbackFailed', { ref: targetRef, reason: userSaidOf(failure), why: userSaidOf(rollbackFailure), committed, backup: backupId });
      throw new OpsdeckError('conflict', said, { detail, cause: rollbackFailure });
    }
    finishUpgrade(ctx.id, 'rolled-back', reason, await readSchemaVersion(stack).catch(() => null));
    ctx.forget('upgrade');
    notify(stack.name, 'upgrade.rolled-back', { severity: 'warning', title: say('notify.upgradeRolledBack', { ref: targetRef }), text: say('notify.runsAgain', { reason, ref: current.ref }) });
    // The detail (the unhealthy service's last log lines) goes with the job, not only into its log.
    throw new OpsdeckError('conflict', say('errors.upgrade.rolledBack', { ref: targetRef, reason: userSaidOf(failure), current: current.ref }), { detail, cause: failure });
  }
  const schemaAfter = await readSchemaVersion(stack);
  finishUpgrade(ctx.id, 'succeeded', null, schemaAfter);
  ctx.forget('upgrade');
  const none = say('errors.none');
  return say('jobs.summary.upgrade', { service: app.service, from: current.ref, to: targetRef, before: schemaBefore ?? none, after: schemaAfter ?? none });
}

interface RollbackPlan {
  service: string;
  ref: string;
  recreated: boolean;
  backupId: string;
  schemaBefore: string | null;
  migrated: string[];
  healthTimeoutMs?: number;
}

/** Previous image first (so the restore's "start the app" starts the old version), then the data. */
async function rollBack(stack: Stack, plan: RollbackPlan, ctx: JobContext): Promise<void> {
  ctx.emit({ type: 'step', name: 'upgrade.rollback', ...say('steps.upgrade.rollback', { ref: plan.ref }) });
  if (plan.recreated) await recreateApp(stack, plan.service, plan.ref, ctx);
  const schemaNow = await readSchemaVersion(stack).catch(() => 'unknown');
  // A committed migration counts even when it did not bump the version: its changes are in the data.
  if (plan.migrated.length > 0 || schemaNow !== plan.schemaBefore) {
    const what = plan.migrated.length ? say('log.upgrade.migrationsCommitted', { migrations: plan.migrated.join(', ') }) : say('log.upgrade.schemaChanged');
    ctx.emit({ type: 'log', ...say('log.upgrade.restoring', { what, before: plan.schemaBefore ?? 'none', now: schemaNow ?? 'none', backup: plan.backupId }) });
    await restoreDatabase(stack, plan.backupId, ctx, { healthTimeoutMs: plan.healthTimeoutMs });
  } else {
    await waitForHealthy(stack, ctx.emit, { timeoutMs: plan.healthTimeoutMs, signal: ctx.signal });
  }
  const restored = plan.migrated.length > 0 || schemaNow !== plan.schemaBefore ? say('log.upgrade.restoredFrom', { backup: plan.backupId }) : '';
  ctx.emit({ type: 'log', ...say('log.upgrade.rolledBack', { service: plan.service, ref: plan.ref, restored }) });
}

/**
 * "Roll back" after a successful upgrade: the previous image again and, when the schema moved, the
 * pre-upgrade backup through the safe restore path (the database it replaces is kept whole as
 * `<db>__kept_…`, so what was written since the upgrade is kept rather than lost).
 */
export async function rollbackLastUpgrade(stack: Stack, ctx: JobContext, opts: { healthTimeoutMs?: number; monitorMs?: number } = {}): Promise<Said> {
  const app = appOf(stack);
  // The runtime seam: on Swarm a rolling update back (or, when the data goes back too, a restore that starts the previous image).
  if (stack.runtime === 'swarm') return rollbackSwarmUpgrade(stack, ctx, opts);
  const last = lastSuccessfulUpgrade(stack.name);
  if (!last) throw new OpsdeckError('conflict', say('errors.upgrade.nothingToRollBack'));
  const current = await runningImageOf(stack, app.service);
  if (!current) throw new OpsdeckError('conflict', say('errors.upgrade.noContainerNow', { service: app.service }));
  const ref = rollbackRef(last.fromRef, { id: last.fromImageId } as ImageInfo, await inspectImage(last.fromRef, stack));
  const schemaBefore = await readSchemaVersion(stack);
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'rollback', service: app.service, fromRef: current.ref, fromImageId: current.image.id,
    fromVersion: current.image.version, toRef: last.fromRef, toImageId: last.fromImageId, toVersion: last.fromVersion, schemaBefore,
    backupId: last.backupId, startedBy: ctx.user, startedAt: new Date().toISOString(),
  });
  try {
    ctx.emit({ type: 'step', name: 'rollback.recreate', ...say('steps.upgrade.recreate', { service: app.service, ref: last.fromRef }) });
    await recreateApp(stack, app.service, ref, ctx);
    if (last.backupId && schemaBefore !== last.schemaBefore) {
      ctx.emit({ type: 'log', ...say('log.upgrade.schemaMoved', { before: last.schemaBefore ?? 'none', now: schemaBefore ?? 'none', backup: last.backupId }) });
      await restoreDatabase(stack, last.backupId, ctx, { healthTimeoutMs: opts.healthTimeoutMs });
    } else {
      await waitForHealthy(stack, ctx.emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
    }
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', userMessageOf(e), await readSchemaVersion(stack).catch(() => null));
    throw e;
  }
  finishUpgrade(ctx.id, 'succeeded', null, await readSchemaVersion(stack));
  return say('jobs.summary.rollback', { service: app.service, ref: last.fromRef });
}
