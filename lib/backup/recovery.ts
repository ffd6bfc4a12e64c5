/**
 * What a backup or restore job leaves to undo when Opsdeck dies in the middle, keyed by the recovery
 * notes they write (see lib/jobs/recovery.ts). The aim: the stack serves a complete database and
 * nothing half-made remains. Renames are atomic, so the live database is always complete; what
 * remains is dropping scratch databases and making sure the app runs.
 */
import fs from 'node:fs';
import { startService } from '@/lib/docker';
import type { RecoveryHandler } from '@/lib/jobs';
import { runningJob } from '@/lib/jobs';
import { getStack, listStacks } from '@/lib/stacks';
import { waitAppHealthy } from './app-health';
import { removeTempFiles } from './catalogue';
import { databaseExists, dropDatabase } from './databases';
import { pgTools } from '@/lib/postgres/tools';
import type { RestoreNote } from './restore';
import { dropRestoreRole } from './restore-role';
import type { RestoreRoleNote } from './sandbox-load';
import type { SwapNote } from './swap';
import { removeRestoreVolumes } from './volume-restore';
import { say } from '@/lib/i18n/server-text';

const dropScratch: RecoveryHandler = async ({ value, log }) => {
  const note = value as { stack: string; database?: string; scratch?: string };
  const name = note.scratch ?? note.database;
  if (!name) return;
  const tools = pgTools(getStack(note.stack));
  if (name === tools.conn.database) return;
  if (await databaseExists(tools, name)) {
    await dropDatabase(tools, name);
    log(say('log.recovery.scratchDropped', { name, live: tools.conn.database }));
  }
};

/**
 * A restore role left by a load that never finished. Its scratch database (still its own unless
 * handed over) goes first — never the live one, which a finished swap may have renamed it to.
 */
const dropRole: RecoveryHandler = async ({ value, log }) => {
  const note = value as RestoreRoleNote;
  const tools = pgTools(getStack(note.stack));
  if (note.scratch !== tools.conn.database && (await databaseExists(tools, note.scratch))) {
    await dropDatabase(tools, note.scratch);
    log(say('log.recovery.scratchDropped', { name: note.scratch, live: tools.conn.database }));
  }
  await dropRestoreRole(tools, note.role);
  log(say('log.sandbox.roleDropped', { role: note.role }));
};

const restartApp: RecoveryHandler = async ({ value, log }) => {
  const note = value as SwapNote;
  const stack = getStack(note.stack);
  const tools = pgTools(stack);
  const swapped = !(await databaseExists(tools, note.source)) && (await databaseExists(tools, note.keptAs));
  log(swapped ? say('log.recovery.swapped', { db: note.database, kept: note.keptAs }) : say('log.recovery.notSwapped', { db: note.database }));
  if (!note.appService) return;
  await startService(stack, note.appService);
  const health = await waitAppHealthy(stack, { timeoutMs: 60_000 });
  log(health.ok ? say('log.recovery.appHealthy', { service: note.appService }) : say('log.recovery.appNotHealthy', { service: note.appService, lastSeen: health.lastSeen }), health.ok ? 'info' : 'warn');
};

/** Handlers for lib/jobs' recoverInterruptedJobs, by note key (prefix before ":"). */
export const BACKUP_RECOVERY: Record<string, RecoveryHandler> = {
  restore: async (input) => dropScratch({ ...input, value: { stack: (input.value as RestoreNote).stack, scratch: (input.value as RestoreNote).scratch } }),
  'drop-database': dropScratch,
  'restore-role': dropRole,
  swap: restartApp,
  'restore-volumes': async ({ value, log }) => removeRestoreVolumes(value as { volumes?: string[] }, (t) => log(t)),
  'move-back': async ({ value, log }) => {
    const { from, to } = value as { from: string; to: string };
    if (fs.existsSync(from) && !fs.existsSync(to)) {
      fs.renameSync(from, to);
      log(say('log.recovery.movedBack', { from, to }));
    }
  },
};

/** Removes `.tmp-*` leftovers from the backup folders of stacks that have no running job. */
export function cleanBackupTempFiles(): string[] {
  const removed: string[] = [];
  let stacks;
  try {
    stacks = listStacks();
  } catch {
    return removed;
  }
  for (const stack of stacks) {
    if (runningJob(stack.name)) continue;
    try {
      removed.push(...removeTempFiles(stack.backupDir).map((f) => `${stack.backupDir}/${f}`));
    } catch (e) {
      console.error(`[opsdeck] cleaning temp files of ${stack.name}:`, e instanceof Error ? e.message : e);
    }
  }
  return removed;
}
