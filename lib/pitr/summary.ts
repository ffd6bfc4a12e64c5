/**
 * What the status and backups pages and /api/metrics show of archiving, read from the backup
 * folder only (no database query): the recoverable window, the lag since the newest archived
 * time, the gaps and the latest events.
 */
import type { Stack } from '@/lib/stacks/types';
import { currentEpoch, readState, type PitrEvent } from './layout';
import { listBaseBackups } from './base-backup';
import { recoveryWindow, type TimeGap } from './window';

export interface PitrSummary {
  stack: string;
  enabled: boolean;
  earliest: string | null;
  latest: string | null;
  /** Seconds since the newest archived time while archiving runs; null when it does not. */
  lagSeconds: number | null;
  gaps: TimeGap[];
  baseBackups: number;
  /** The newest verified base backup, whatever its epoch. */
  lastBaseBackup: { id: string; finishedAt: string; sizeBytes: number } | null;
  events: PitrEvent[];
}

export async function pitrSummary(stack: Stack, now = Date.now()): Promise<PitrSummary> {
  const state = readState(stack);
  const w = await recoveryWindow(stack);
  const epoch = currentEpoch(state);
  const newest = listBaseBackups(stack).at(-1);
  return {
    stack: stack.name,
    enabled: Boolean(stack.pitr?.enabled),
    earliest: w.earliest,
    latest: w.latest,
    lagSeconds: epoch?.latestAt ? Math.max(0, (now - Date.parse(epoch.latestAt)) / 1000) : null,
    gaps: w.gaps,
    baseBackups: w.baseBackups,
    lastBaseBackup: newest ? { id: newest.id, finishedAt: newest.finishedAt, sizeBytes: newest.sizeBytes } : null,
    events: state.events.slice(-10).reverse(),
  };
}
