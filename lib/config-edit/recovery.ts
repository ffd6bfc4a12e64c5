import { composeProjectOf } from '@/lib/deploy/compose-project';
import { runCompose } from '@/lib/docker/compose-cli';
import type { RecoveryHandler } from '@/lib/jobs';
import { getStack } from '@/lib/stacks';
import { readConfigFile, type ConfigKind } from './files';
import { markApplied, versionText, writeVersion } from './history';
import { say } from '@/lib/i18n/server-text';

interface ApplyNote {
  stack: string;
  kind: ConfigKind;
  applied: string;
  baseline: string;
  services: string[] | null;
}

/**
 * Opsdeck died while applying a config change: the health gate never said yes, so put back the
 * file the containers last ran and recreate the services from it. Left alone if someone saved
 * another version since (their edit is not ours to overwrite); the log says so.
 */
export const configApplyRecovery: RecoveryHandler = async ({ jobId, value, log }) => {
  const note = value as ApplyNote;
  const stack = getStack(note.stack);
  const text = versionText(stack, note.kind, note.baseline);
  if (readConfigFile(stack, note.kind).sha !== note.applied || text === null) {
    log(say('log.recovery.configChanged', { kind: note.kind }), 'warn');
    return;
  }
  writeVersion(stack, { kind: note.kind, baseSha: note.applied, text, by: `opsdeck (recovery of job #${jobId})`, reason: 'rollback', summary: say('changes.backToRanRecovery') });
  markApplied(stack, note.kind, note.baseline, jobId);
  const r = await runCompose(composeProjectOf(getStack(note.stack)), ['up', '-d', ...(note.services ?? [])]);
  if (r.code !== 0) throw new Error(`compose could not recreate the services from the previous file: ${r.stderr.slice(-300)}`);
  log(say('log.recovery.configBack', { kind: note.kind, services: note.services?.join(', ') ?? say('log.recovery.whatChanged') }), 'warn');
};

export const CONFIG_RECOVERY = { 'config-apply': configApplyRecovery };
