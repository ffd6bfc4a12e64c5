/**
 * Opsdeck died during a Swarm upgrade or "Roll back" (recovery note "swarm-update", written by
 * swarm-upgrade.ts and swarm-rollback.ts). Unlike compose, nothing is put back here: Swarm carries
 * the rolling update on (or rolls it back) by itself. The job is closed with what the manager says
 * now (the spec's image and the previous one, Swarm's update state, which task runs which image),
 * whether the pre-upgrade backup is there, and what the admin should do; the history entry gets the
 * outcome Swarm reached, so "Roll back" on the deploy tab is offered when the upgrade did complete.
 * One thing is undone: an app Opsdeck scaled to 0 (label io.opsdeck.scaled-from) gets its replicas
 * back, on the image that fits the data it will meet.
 */
import { getBackup } from '@/lib/backup/catalogue';
import { scaleSwarmServiceBack } from '@/lib/docker/swarm-tasks';
import { swarmTaskImages, type SwarmTaskImage } from '@/lib/docker/swarm-images';
import { swarmServiceState, updateServiceImage, type SwarmServiceState } from '@/lib/docker/swarm-update';
import { userMessageOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { RecoveryHandler, RecoveryInput } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { finishUpgrade, updateUpgrade, type UpgradeResult } from './history';
import { readSchemaVersion } from './migrations';

/** What a Swarm upgrade or rollback job remembers while it may leave something to report or undo. */
export interface SwarmUpdateNote {
  stack: string;
  service: string;
  kind: 'upgrade' | 'rollback';
  /** The image the service ran when the job started. */
  fromRef: string;
  /** The image the job sets. */
  targetRef: string;
  /** The pre-upgrade backup (taken by the upgrade; the one a rollback restores). */
  backupId: string | null;
  /** The schema version the target image's data has (a rollback's data goes back to it when `dataBack`). */
  targetSchema?: string | null;
  /** The schema version before the job. */
  schemaBefore: string | null;
  /** Rollback only: the data goes back too (the app is scaled to 0 around the restore). */
  dataBack?: boolean;
  /** Swarm's UpdateStatus.StartedAt when the job began: a status with this start is an earlier update's. */
  updateStartedAt: string | null;
}

export const SWARM_UPDATE_NOTE = 'swarm-update';
const UPDATING = new Set(['updating', 'rollback_started']);
/** How long the recovery lets a rolling update that is still going on finish (its handler has 120 s in all). */
const SETTLE_MS = 75_000;

const describeTasks = (service: string, tasks: SwarmTaskImage[]): string => {
  if (!tasks.length) return 'none';
  const byImage = new Map<string, string[]>();
  for (const t of tasks) byImage.set(t.image, [...(byImage.get(t.image) ?? []), `${service}.${t.slot ?? '·'}@${t.node} ${t.state}`]);
  return [...byImage].map(([image, list]) => `${image} × ${list.length} (${list.join(', ')})`).join('; ');
};

async function readNow(stack: Stack, service: string): Promise<{ state: SwarmServiceState; tasks: SwarmTaskImage[] }> {
  const [state, tasks] = await Promise.all([swarmServiceState(stack, service), swarmTaskImages(stack, service)]);
  return { state, tasks };
}

async function settle(stack: Stack, service: string, first: { state: SwarmServiceState; tasks: SwarmTaskImage[] }, log: RecoveryInput['log']) {
  if (!UPDATING.has(first.state.updateState ?? '')) return first;
  const started = Date.now();
  let now = first;
  while (UPDATING.has(now.state.updateState ?? '') && Date.now() - started < SETTLE_MS) {
    await new Promise((r) => setTimeout(r, 1000));
    now = await readNow(stack, service);
  }
  const seconds = String(Math.round((Date.now() - started) / 1000));
  log(UPDATING.has(now.state.updateState ?? '')
    ? say('log.swarmRecovery.notSettled', { seconds, state: now.state.updateState ?? 'none' })
    : say('log.swarmRecovery.settled', { seconds, state: now.state.updateState ?? 'none', image: now.state.image, tasks: describeTasks(service, now.tasks) }), 'warn');
  return now;
}

const schemaOf = (stack: Stack) => (stack.database ? readSchemaVersion(stack).catch(() => undefined) : Promise.resolve(undefined));

/**
 * The app left at 0 replicas by Opsdeck gets them back. A rollback cut short before its restore
 * swapped the data leaves the previous image in the spec with the upgraded schema in the database,
 * which that release refuses: the spec goes back to the upgraded image first (as a failed rollback does).
 */
async function scaleBack(stack: Stack, note: SwarmUpdateNote, state: SwarmServiceState, log: RecoveryInput['log']): Promise<string | null> {
  const { service } = note;
  if (state.scaledFrom === null) return null;
  try {
    if (note.kind === 'rollback' && note.dataBack && state.image === note.targetRef) {
      const schema = await schemaOf(stack);
      if (schema === undefined) {
        const why = `the schema version could not be read, so it is unknown whether ${note.targetRef} fits the data`;
        log(say('log.swarmRecovery.notScaledBack', { service, replicas: String(state.scaledFrom), reason: why }), 'error');
        return why;
      }
      if (schema !== note.targetSchema) {
        await updateServiceImage(stack, service, note.fromRef, { monitorMs: 15_000, order: 'start-first' });
        log(say('log.swarmRecovery.imageBack', { service, ref: note.fromRef, image: note.targetRef, schema: schema ?? 'none' }), 'warn');
      }
    }
    const to = await scaleSwarmServiceBack(stack, service);
    log(say('log.swarmRecovery.scaledBack', { service, replicas: String(to) }), 'warn');
    return null;
  } catch (e) {
    log(say('log.swarmRecovery.notScaledBack', { service, replicas: String(state.scaledFrom), reason: userMessageOf(e) }), 'error');
    return userMessageOf(e);
  }
}

function backupLine(stack: Stack, note: SwarmUpdateNote, log: RecoveryInput['log']): void {
  if (!note.backupId) return log(say('log.swarmRecovery.noBackup'));
  try {
    getBackup(stack, note.backupId);
    log(say('log.swarmRecovery.backupKept', { id: note.backupId }));
  } catch {
    log(say('log.swarmRecovery.backupGone', { id: note.backupId }), 'warn');
  }
}

export const swarmUpdateRecovery: RecoveryHandler = async ({ jobId, value, log }) => {
  const note = value as SwarmUpdateNote;
  const stack = getStack(note.stack);
  const { service } = note;
  const found = await readNow(stack, service);
  const foundSaid = {
    service, image: found.state.image, previous: found.state.previousImage ?? 'none', state: found.state.updateState ?? 'none',
    replicas: found.state.replicas === null ? 'global' : String(found.state.replicas), tasks: describeTasks(service, found.tasks),
  };
  log(note.kind === 'upgrade'
    ? say('log.swarmRecovery.foundUpgrade', { ...foundSaid, from: note.fromRef, target: note.targetRef })
    : say('log.swarmRecovery.foundRollback', { ...foundSaid, from: note.fromRef, target: note.targetRef }), 'warn');
  if (found.state.scaledFrom !== null) log(say('log.swarmRecovery.scaledToZero', { service, replicas: String(found.state.scaledFrom) }), 'warn');
  const settled = await settle(stack, service, found, log);
  const notScaled = await scaleBack(stack, note, settled.state, log);
  const end = settled.state.scaledFrom !== null && notScaled === null ? await readNow(stack, service) : settled;
  backupLine(stack, note, log);

  const schema = await schemaOf(stack);
  const on = (ref: string) => end.state.image === ref && end.tasks.length > 0 && end.tasks.every((t) => t.image === ref && t.state === 'running');
  const done = (end.state.updateState === 'completed' || end.state.updateState === null) && on(note.targetRef)
    && (note.kind === 'upgrade' || !note.dataBack || schema === note.targetSchema);
  const schemaMoved = schema !== undefined && schema !== note.schemaBefore;
  let result: Exclude<UpgradeResult, 'running'>;
  let advice;
  if (notScaled !== null) {
    result = 'failed';
    advice = say('log.swarmRecovery.adviceScale', { service, reason: notScaled });
  } else if (done) {
    result = 'succeeded';
    advice = note.kind === 'upgrade' ? say('log.swarmRecovery.adviceUpgradeDone', { target: note.targetRef, from: note.fromRef }) : say('log.swarmRecovery.adviceRollbackDone', { target: note.targetRef });
  } else if (end.state.image === note.fromRef && !UPDATING.has(end.state.updateState ?? '')) {
    // Nothing changed, or Swarm rolled the update back: the service is where the job found it.
    const ours = end.state.updateStartedAt !== null && end.state.updateStartedAt !== note.updateStartedAt;
    result = note.kind === 'upgrade' && ours && end.state.updateState?.startsWith('rollback') ? 'rolled-back' : 'failed';
    if (note.kind === 'rollback') advice = say('log.swarmRecovery.adviceRollbackAgain', { service, from: note.fromRef });
    else if (schemaMoved && note.backupId) advice = say('log.swarmRecovery.adviceRestoreBackup', { service, from: note.fromRef, before: note.schemaBefore ?? 'none', now: schema ?? 'none', id: note.backupId });
    else advice = say('log.swarmRecovery.adviceNothing', { service, from: note.fromRef });
  } else {
    result = 'failed';
    advice = say('log.swarmRecovery.adviceUnsettled', { service, state: end.state.updateState ?? 'none', from: note.fromRef, target: note.targetRef });
  }
  log(advice, result === 'succeeded' ? 'info' : 'warn');
  updateUpgrade(jobId, { tasks: end.tasks });
  finishUpgrade(jobId, result, `Interrupted: Opsdeck stopped during the Swarm ${note.kind}. ${advice.text}`, schema ?? null);
  if (notScaled !== null) throw new Error(`${service} is still scaled to 0: ${notScaled}`);
};
