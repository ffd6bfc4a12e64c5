/**
 * The recoverable window: from each verified base backup on, as far as its epoch's WAL runs without
 * a hole. A new slot (a new epoch) restores nothing until its first base backup, so the time between
 * an epoch's end and the next epoch's first base backup is a gap too. Also the refusals of a target.
 */
import { OpsdeckError } from '@/lib/errors';
import type { Stack } from '@/lib/stacks/types';
import { listBaseBackups, type BaseBackup } from './base-backup';
import { readState, walDir, type Epoch } from './layout';
import { catalogueSegments, findGaps, type EpochWal } from './segments';
import { say } from '@/lib/i18n/server-text';

export interface Piece {
  from: string;
  to: string;
  epoch: string;
  base: BaseBackup;
}

export interface TimeGap {
  from: string;
  to: string;
  why: string;
}

export interface RecoveryWindow {
  earliest: string | null;
  latest: string | null;
  pieces: Piece[];
  gaps: TimeGap[];
  baseBackups: number;
}

/** Newest archived time of an epoch: the latest sample the receiver's flush has passed. */
export function epochLatest(e: Epoch): string | null {
  return e.latestAt;
}

export async function recoveryWindow(stack: Stack, opts: { verify?: boolean } = {}): Promise<RecoveryWindow & { wal: Record<string, EpochWal> }> {
  const state = readState(stack);
  const pieces: Piece[] = [];
  const gaps: TimeGap[] = [];
  const wal: Record<string, EpochWal> = {};
  let baseBackups = 0;
  for (const e of state.epochs) {
    const bases = listBaseBackups(stack, e.id);
    baseBackups += bases.length;
    const latest = epochLatest(e);
    if (!bases.length || !latest) continue;
    const w = await catalogueSegments(walDir(stack, e.id));
    wal[e.id] = w;
    for (const b of bases) {
      const holes = await findGaps(walDir(stack, e.id), w, b.startSegment, opts.verify ?? false);
      const end = holes.length ? holes[0].after : latest;
      for (const h of holes) gaps.push({ from: h.after || b.finishedAt, to: latest, why: `WAL segment ${h.from}${h.to !== h.from ? `…${h.to}` : ''} is ${h.why}` });
      if (end && end > b.finishedAt) pieces.push({ from: b.finishedAt, to: end, epoch: e.id, base: b });
    }
  }
  pieces.sort((a, b) => a.from.localeCompare(b.from));
  return { earliest: pieces[0]?.from ?? null, latest: pieces.reduce<string | null>((m, p) => (!m || p.to > m ? p.to : m), null), pieces, gaps: uncovered(pieces, gaps), baseBackups, wal };
}

/** The stretches between the earliest and the latest point that no piece covers, with the reason known for each. */
function uncovered(pieces: Piece[], holes: TimeGap[]): TimeGap[] {
  const out: TimeGap[] = [];
  let reach = '';
  for (const p of pieces) {
    if (reach && p.from > reach) {
      const why = holes.find((h) => h.from >= reach && h.from < p.from)?.why ?? 'archiving was interrupted (the replication slot was made anew); a new base backup starts the window again';
      out.push({ from: reach, to: p.from, why });
    }
    if (p.to > reach) reach = p.to;
  }
  return out;
}

/** The piece that restores `target`, or a refusal that says why not (and what would work). */
export function planTarget(w: RecoveryWindow, target: Date, now = new Date()): Piece {
  const t = target.toISOString();
  if (Number.isNaN(target.getTime())) throw new OpsdeckError('invalid_input', say('errors.pitr.notATime'));
  if (target.getTime() > now.getTime()) throw new OpsdeckError('invalid_input', say('errors.pitr.future', { at: t }));
  if (!w.earliest || !w.latest) throw new OpsdeckError('conflict', say('errors.pitr.noWindow'));
  if (t < w.earliest || t > w.latest) {
    throw new OpsdeckError('conflict', say('errors.pitr.outside', { at: t, from: w.earliest, to: w.latest }));
  }
  // The newest base backup before the point: the least WAL to replay.
  const fits = w.pieces.filter((p) => p.from <= t && t <= p.to).sort((a, b) => b.from.localeCompare(a.from));
  if (!fits.length) {
    const g = w.gaps.find((x) => x.from <= t && t <= x.to);
    throw new OpsdeckError('conflict', say('errors.pitr.inGap', { at: t, gap: g ? say('errors.pitr.gap', { from: g.from, to: g.to, why: g.why }) : say('errors.pitr.noWal') }));
  }
  return fits[0];
}
