/**
 * Where continuous archiving keeps its files in the stack's backup folder, and its small state file.
 *
 *   <backupDir>/pitr/state.json           epochs (one per replication slot), samples, events
 *   <backupDir>/pitr/wal/<epoch>/         pg_receivewal's directory for that slot, plus sums.json
 *   <backupDir>/pitr/base/<id>/           a verified pg_basebackup (plain format) plus opsdeck-base.json
 *   <backupDir>/pitr/work/<job>/          a rebuild's data and WAL copies (removed when it ends)
 *
 * One WAL directory per slot: a slot created anew starts streaming in the middle of the WAL, and
 * pg_receivewal resuming in a directory of an older slot would ask for segments the server no
 * longer has, or leave a zero-padded .partial in the middle of the sequence. An epoch's archive is
 * usable only from its first base backup on (taken after the slot was created).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@/lib/backup/manifest';
import type { Stack } from '@/lib/stacks/types';

export interface Epoch {
  id: string;
  slot: string;
  startedAt: string;
  /** LSN the slot reserved WAL from. */
  startLsn: string;
  /** Set when the slot was dropped or archiving switched off: the epoch's archive ends here. */
  endedAt: string | null;
  endReason: string | null;
  /** Newest time known to be archived (commit records after it are in the archive). */
  latestAt: string | null;
}

export interface PitrEvent {
  at: string;
  level: 'info' | 'warn' | 'error';
  text: string;
}

export interface PitrState {
  epochs: Epoch[];
  /** (time, server WAL position) pairs: an archived position older than the flush is an archived time. */
  samples: { at: string; lsn: string }[];
  events: PitrEvent[];
  /** Set when the slot-size warning has been sent, cleared below the threshold. */
  slotWarned?: boolean;
  lagAlerted?: boolean;
}

export const pitrDir = (stack: Stack) => path.join(stack.backupDir, 'pitr');
export const walDir = (stack: Stack, epoch: string) => path.join(pitrDir(stack), 'wal', epoch);
export const baseRoot = (stack: Stack) => path.join(pitrDir(stack), 'base');
export const workDir = (stack: Stack, job: string) => path.join(pitrDir(stack), 'work', job);
const statePath = (stack: Stack) => path.join(pitrDir(stack), 'state.json');

/** PostgreSQL slot names: lowercase letters, digits and "_", at most 63 characters. */
export const slotName = (stack: Stack) => `opsdeck_pitr_${stack.name.replace(/-/g, '_')}`.slice(0, 63);
/** The receiver's container name (one per stack: the daemon refuses a second). */
export const receiverName = (stack: Stack) => `opsdeck-pitr-${stack.name}`;

export function readState(stack: Stack): PitrState {
  try {
    const s = JSON.parse(fs.readFileSync(statePath(stack), 'utf8')) as PitrState;
    return { epochs: s.epochs ?? [], samples: s.samples ?? [], events: s.events ?? [], slotWarned: s.slotWarned, lagAlerted: s.lagAlerted };
  } catch {
    return { epochs: [], samples: [], events: [] };
  }
}

export function writeState(stack: Stack, state: PitrState): void {
  fs.mkdirSync(pitrDir(stack), { recursive: true });
  writeFileAtomic(statePath(stack), JSON.stringify({ ...state, samples: state.samples.slice(-500), events: state.events.slice(-200) }, null, 1));
}

/** Read-modify-write of the state file; callers run inside the stack's tick or job, one at a time. */
export function updateState(stack: Stack, change: (s: PitrState) => void): PitrState {
  const s = readState(stack);
  change(s);
  writeState(stack, s);
  return s;
}

export const currentEpoch = (s: PitrState): Epoch | null => {
  const e = s.epochs[s.epochs.length - 1];
  return e && !e.endedAt ? e : null;
};

/** "20261205T083500123Z": sortable, safe as a directory name. */
export const stamp = (d = new Date()) => d.toISOString().replace(/[-:.]/g, '');

export function addEvent(s: PitrState, level: PitrEvent['level'], text: string): void {
  s.events.push({ at: new Date().toISOString(), level, text });
}
