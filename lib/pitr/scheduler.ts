/**
 * The archiving tick (every 30 s, and once at start): for each stack with `backups.pitr.enabled`
 * that no job holds, make archiving run (slot, receiver, due base backup), watch the lag and the
 * slot, prune base backups past keepDays. A stack switched off has its receiver removed and slot
 * dropped. Ticks never overlap; a failure is logged and tried again at the next tick.
 */
import { runningJob } from '@/lib/jobs';
import { listStacks } from '@/lib/stacks';
import { PITR_DEFAULTS } from '@/lib/stacks/pitr-schema';
import { ensureArchiving, stopArchiving } from './archiver';
import { pruneBaseBackups } from './base-backup';
import { currentEpoch, readState } from './layout';
import { watchArchive } from './watch';

const TICK_MS = 30_000;
// The lag shown is "now minus the newest archived sample": sampled every 5 s it is at most that stale
// (a 30 s sample would show up to 30 s of lag for an archive that is in fact caught up).
const WATCH_MS = 5_000;

export async function pitrTick(): Promise<void> {
  let stacks;
  try {
    stacks = listStacks();
  } catch {
    return;
  }
  for (const stack of stacks) {
    if (runningJob(stack.name)) continue;
    try {
      if (stack.pitr?.enabled) {
        await ensureArchiving(stack, (text) => console.log(`[opsdeck] pitr ${stack.name}: ${text}`));
        await watchArchive(stack);
        pruneBaseBackups(stack, stack.pitr.keepDays ?? PITR_DEFAULTS.keepDays);
      } else if (stack.database?.service && currentEpoch(readState(stack))) {
        await stopArchiving(stack, 'switched off in opsdeck.yaml');
      }
    } catch (e) {
      console.error(`[opsdeck] pitr ${stack.name}:`, e instanceof Error ? e.message : e);
    }
  }
}

/** Between ticks: only the lag sample (one query per stack whose archiving runs). */
export async function pitrWatchTick(): Promise<void> {
  let stacks;
  try {
    stacks = listStacks();
  } catch {
    return;
  }
  for (const stack of stacks) {
    if (!stack.pitr?.enabled || runningJob(stack.name) || !currentEpoch(readState(stack))) continue;
    await watchArchive(stack).catch((e) => console.error(`[opsdeck] pitr ${stack.name}:`, e instanceof Error ? e.message : e));
  }
}

const holder = globalThis as typeof globalThis & { __opsdeckPitrTimer?: NodeJS.Timeout; __opsdeckPitrWatch?: NodeJS.Timeout };

export function startPitrScheduler(): void {
  if (holder.__opsdeckPitrTimer) return;
  // One at a time: a tick (which may take a base backup) and a watch never overlap.
  let busy = false;
  const once = (work: () => Promise<void>) => () => {
    if (busy) return;
    busy = true;
    void work().finally(() => (busy = false));
  };
  holder.__opsdeckPitrTimer = setInterval(once(pitrTick), TICK_MS);
  holder.__opsdeckPitrTimer.unref();
  holder.__opsdeckPitrWatch = setInterval(once(pitrWatchTick), WATCH_MS);
  holder.__opsdeckPitrWatch.unref();
  once(pitrTick)();
}
