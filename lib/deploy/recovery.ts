import { runCompose } from '@/lib/docker/compose-cli';
import type { RecoveryHandler } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { composeProjectOf, pinImage } from './compose-project';
import { finishUpgrade, upgradeHistory } from './history';
import { SWARM_UPDATE_NOTE, swarmUpdateRecovery } from './swarm-recovery';
import { say } from '@/lib/i18n/server-text';

interface UpgradeNote {
  stack: string;
  service: string;
  /** Image id the app ran before the upgrade. */
  rollbackRef: string;
}

/**
 * Opsdeck died in the middle of an upgrade: put the previous image back so the app runs the
 * version its data was made for. A schema migration that already ran is not undone here (that
 * needs the safe restore, which is a job of its own): the log names the pre-upgrade backup.
 */
export const upgradeRecovery: RecoveryHandler = async ({ jobId, value, log }) => {
  const note = value as UpgradeNote;
  const stack = getStack(note.stack);
  pinImage(stack, note.service, note.rollbackRef);
  const r = await runCompose(composeProjectOf(stack), ['up', '-d', '--no-deps', note.service]);
  if (r.code !== 0) throw new Error(`compose could not put ${note.service} back on its previous image: ${r.stderr.slice(-300)}`);
  const rec = upgradeHistory(stack.name, 20).find((u) => u.jobId === jobId);
  const backup = rec?.backupId ? say('log.recovery.restoreHint', { backup: rec.backupId }) : '';
  log(say('log.recovery.imageBack', { service: note.service, ref: note.rollbackRef.slice(0, 19), backup }), 'warn');
  finishUpgrade(jobId, 'failed', 'Interrupted: Opsdeck stopped during the upgrade; the previous image was put back.', null);
};

export const DEPLOY_RECOVERY = { upgrade: upgradeRecovery, [SWARM_UPDATE_NOTE]: swarmUpdateRecovery };
