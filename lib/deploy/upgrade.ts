import { inspectImage, pullImage, runningImageOf, splitImageRef, type ImageInfo } from '@/lib/docker';
import { runCompose } from '@/lib/docker/compose-cli';
import { OpsdeckError, userMessageOf } from '@/lib/errors';
import { restoreDatabase } from '@/lib/backup/restore';
import { takeBackup } from '@/lib/backup/take-backup';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { composeProjectOf, pinImage } from './compose-project';
import { waitForHealthy } from './health-gate';
import { notify } from '@/lib/notify';
import { finishUpgrade, insertUpgrade, lastSuccessfulUpgrade, updateUpgrade } from './history';
import { pendingMigrations, readSchemaVersion, runMigrations } from './migrations';

export interface UpgradeOptions {
  /** Tag of the app image's repository, e.g. "1.1.0". */
  targetTag: string;
  runMigrations: boolean;
  healthTimeoutMs?: number;
}

export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function appOf(stack: Stack) {
  if (!stack.app) throw new OpsdeckError('invalid_input', `Stack "${stack.name}" has no app service configured, so there is nothing to upgrade.`);
  return stack.app;
}

/** The reference a rollback pins: the old tag if it still names the same image, else the image id. */
function rollbackRef(ref: string, image: ImageInfo, now: ImageInfo | null): string {
  return now && now.id === image.id ? ref : image.id;
}

async function recreateApp(stack: Stack, service: string, ref: string, ctx: JobContext): Promise<void> {
  pinImage(stack, service, ref);
  const r = await runCompose(composeProjectOf(stack), ['up', '-d', '--no-deps', service], {
    signal: ctx.signal,
    onLine: (line) => ctx.emit({ type: 'log', text: line }),
  });
  if (r.code !== 0) throw new OpsdeckError('conflict', `Compose could not recreate ${service} on ${ref}.`, { detail: r.stderr.slice(-2000) });
}

/**
 * The upgrade job: verified backup (abort if it fails) → target image present (pull if needed) →
 * record what runs now → pending SQL migrations, each in its own transaction → recreate the app on
 * the target → health gate. Any failure after the backup rolls back to the recorded image and, when
 * the schema moved, to the backup through the safe restore path; the stack ends healthy on the old
 * version and the job fails saying what happened.
 */
export async function upgradeApp(stack: Stack, opts: UpgradeOptions, ctx: JobContext): Promise<string> {
  const app = appOf(stack);
  const emit = ctx.emit;
  if (!TAG.test(opts.targetTag)) throw new OpsdeckError('invalid_input', 'The target tag may contain letters, digits, ".", "_" and "-" only.');
  const current = await runningImageOf(stack, app.service);
  if (!current) throw new OpsdeckError('conflict', `The ${app.service} service has no container: deploy the stack first.`);
  const targetRef = `${splitImageRef(current.ref).repo}:${opts.targetTag}`;
  const schemaBefore = await readSchemaVersion(stack);
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'upgrade', service: app.service, fromRef: current.ref, fromImageId: current.image.id,
    fromVersion: current.image.version, toRef: targetRef, toImageId: null, toVersion: null, schemaBefore, backupId: null,
    startedBy: ctx.user, startedAt: new Date().toISOString(),
  });
  emit({ type: 'log', text: `Upgrading ${app.service}: ${current.ref} (${current.image.version ?? 'unknown version'}, schema ${schemaBefore ?? 'none'}) → ${targetRef}` });

  emit({ type: 'step', name: 'upgrade.backup', text: 'Taking a verified backup before anything changes' });
  let backupId: string;
  try {
    backupId = (await takeBackup(stack, { reason: 'pre-upgrade' }, ctx)).id;
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', `Backup failed: ${userMessageOf(e)}`, schemaBefore);
    throw new OpsdeckError('conflict', `Upgrade aborted before any change: the pre-upgrade backup failed (${userMessageOf(e)}).`, { cause: e });
  }
  updateUpgrade(ctx.id, { backupId });

  let migrated: string[] = [];
  let recreated = false;
  try {
    emit({ type: 'step', name: 'upgrade.image', text: `Making sure ${targetRef} is present` });
    if (!(await inspectImage(targetRef))) await pullImage(targetRef, (l) => emit({ type: 'log', text: l }), ctx.signal);
    const target = (await inspectImage(targetRef))!;
    updateUpgrade(ctx.id, { toImageId: target.id, toVersion: target.version });
    ctx.remember('upgrade', { stack: stack.name, service: app.service, rollbackRef: current.image.id });

    if (opts.runMigrations && app.migrationsDir) {
      const pending = pendingMigrations(app.migrationsDir, schemaBefore);
      emit({ type: 'step', name: 'upgrade.migrations', text: pending.length ? `Running ${pending.length} migration(s): ${pending.map((m) => m.version).join(', ')}` : 'No migration is newer than the database' });
      try {
        migrated = await runMigrations(stack, pending, emit);
      } finally {
        updateUpgrade(ctx.id, { migrations: migrated });
      }
    }

    emit({ type: 'step', name: 'upgrade.recreate', text: `Recreating ${app.service} on ${targetRef}` });
    recreated = true;
    await recreateApp(stack, app.service, targetRef, ctx);
    await waitForHealthy(stack, emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
  } catch (failure) {
    const reason = userMessageOf(failure);
    emit({ type: 'log', level: 'error', text: `Upgrade failed: ${reason}` });
    if (failure instanceof OpsdeckError && failure.detail) emit({ type: 'log', level: 'error', text: failure.detail });
    try {
      const ref = rollbackRef(current.ref, current.image, await inspectImage(current.ref));
      await rollBack(stack, { service: app.service, ref, recreated, backupId, schemaBefore, migrated, healthTimeoutMs: opts.healthTimeoutMs }, ctx);
    } catch (rollbackFailure) {
      const why = userMessageOf(rollbackFailure);
      finishUpgrade(ctx.id, 'failed', `${reason} / rollback: ${why}`, null);
      ctx.forget('upgrade');
      throw new OpsdeckError('conflict', `Upgrade to ${targetRef} failed (${reason}), and the automatic rollback could not finish (${why}). The pre-upgrade backup is ${backupId}; fix the cause and retry.`, { cause: rollbackFailure });
    }
    finishUpgrade(ctx.id, 'rolled-back', reason, await readSchemaVersion(stack).catch(() => null));
    ctx.forget('upgrade');
    notify(stack.name, 'upgrade.rolled-back', { severity: 'warning', title: `Upgrade to ${targetRef} rolled back`, text: `${reason}\nThe app runs ${current.ref} again.` });
    throw new OpsdeckError('conflict', `Upgrade to ${targetRef} failed (${reason}) and was rolled back to ${current.ref}; the app is healthy on the previous version with its data.`, { cause: failure });
  }
  const schemaAfter = await readSchemaVersion(stack);
  finishUpgrade(ctx.id, 'succeeded', null, schemaAfter);
  ctx.forget('upgrade');
  return `Upgraded ${app.service} from ${current.ref} to ${targetRef} (schema ${schemaBefore ?? 'none'} → ${schemaAfter ?? 'none'}).`;
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
  ctx.emit({ type: 'step', name: 'upgrade.rollback', text: `Rolling back to ${plan.ref}` });
  if (plan.recreated) await recreateApp(stack, plan.service, plan.ref, ctx);
  const schemaNow = await readSchemaVersion(stack).catch(() => 'unknown');
  if (plan.migrated.length > 0 || schemaNow !== plan.schemaBefore) {
    ctx.emit({ type: 'log', text: `The schema changed (${plan.schemaBefore ?? 'none'} → ${schemaNow ?? 'none'}): restoring the pre-upgrade backup ${plan.backupId}.` });
    await restoreDatabase(stack, plan.backupId, ctx, { safetyBackup: false, healthTimeoutMs: plan.healthTimeoutMs });
  } else {
    await waitForHealthy(stack, ctx.emit, { timeoutMs: plan.healthTimeoutMs, signal: ctx.signal });
  }
  ctx.emit({ type: 'log', text: `Rolled back: ${plan.service} runs ${plan.ref} again.` });
}

/**
 * "Roll back" after a successful upgrade: the previous image again and, when the schema moved, the
 * pre-upgrade backup through the safe restore path (which first takes a safety backup, so what was
 * written since the upgrade is kept in a backup rather than lost).
 */
export async function rollbackLastUpgrade(stack: Stack, ctx: JobContext, opts: { healthTimeoutMs?: number } = {}): Promise<string> {
  const app = appOf(stack);
  const last = lastSuccessfulUpgrade(stack.name);
  if (!last) throw new OpsdeckError('conflict', 'There is no successful upgrade to roll back.');
  const current = await runningImageOf(stack, app.service);
  if (!current) throw new OpsdeckError('conflict', `The ${app.service} service has no container.`);
  const ref = rollbackRef(last.fromRef, { id: last.fromImageId } as ImageInfo, await inspectImage(last.fromRef));
  const schemaBefore = await readSchemaVersion(stack);
  insertUpgrade({
    jobId: ctx.id, stack: stack.name, kind: 'rollback', service: app.service, fromRef: current.ref, fromImageId: current.image.id,
    fromVersion: current.image.version, toRef: last.fromRef, toImageId: last.fromImageId, toVersion: last.fromVersion, schemaBefore,
    backupId: last.backupId, startedBy: ctx.user, startedAt: new Date().toISOString(),
  });
  try {
    ctx.emit({ type: 'step', name: 'rollback.recreate', text: `Recreating ${app.service} on ${last.fromRef}` });
    await recreateApp(stack, app.service, ref, ctx);
    if (last.backupId && schemaBefore !== last.schemaBefore) {
      ctx.emit({ type: 'log', text: `The upgrade changed the schema (${last.schemaBefore ?? 'none'} → ${schemaBefore ?? 'none'}): restoring its pre-upgrade backup ${last.backupId}.` });
      await restoreDatabase(stack, last.backupId, ctx, { healthTimeoutMs: opts.healthTimeoutMs });
    } else {
      await waitForHealthy(stack, ctx.emit, { timeoutMs: opts.healthTimeoutMs, signal: ctx.signal });
    }
  } catch (e) {
    finishUpgrade(ctx.id, 'failed', userMessageOf(e), await readSchemaVersion(stack).catch(() => null));
    throw e;
  }
  finishUpgrade(ctx.id, 'succeeded', null, await readSchemaVersion(stack));
  return `Rolled back ${app.service} to ${last.fromRef}.`;
}
