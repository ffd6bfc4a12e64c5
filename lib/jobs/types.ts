import type { Said, SaidParams } from '@/lib/i18n/said';

/**
 * The job model shared by every long-running, stack-changing operation (backup, restore, deploy,
 * upgrade). A job belongs to one stack and holds that stack's lock while it runs; its log and its
 * latest progress live in the store, so a page reload (or another browser) sees the same story.
 */

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface JobProgress {
  /** What is happening, in words: "Writing the dump", "Restoring into memos__restore_12". */
  phase: string;
  /** The phase as keyed text (lib/i18n/said.ts), for readers in another language. */
  key?: string;
  params?: SaidParams;
  /** Bytes done so far (written, read or streamed, depending on the phase). */
  bytes?: number;
  /** Total bytes when known, for a percentage. */
  totalBytes?: number;
  /** Bytes per second over the phase so far. */
  rate?: number;
  /** Milliseconds since the job started. */
  elapsedMs: number;
}

/** The key and parameters of keyed text (lib/i18n/said.ts) stored beside its English. */
export interface SaidKey {
  key: string;
  params?: SaidParams;
}

export interface Job {
  id: string;
  stack: string;
  kind: string;
  title: string;
  /** The title as keyed text, for readers in another language; null on rows written before keys. */
  titleSaid: SaidKey | null;
  target: string | null;
  status: JobStatus;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** One line for lists: the result, or the plain-words reason of a failure. */
  summary: string | null;
  /** The summary as keyed text; null when it has none (old rows, raw text). */
  summarySaid: SaidKey | null;
  /** Technical detail of a failure (masked): the "details" disclosure. */
  errorDetail: string | null;
  progress: JobProgress | null;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface JobEvent {
  /** Increasing per job; the SSE event id, so a reconnect resumes after the last one it saw. */
  seq: number;
  at: string;
  type: 'log' | 'step' | 'end';
  level: LogLevel | null;
  text: string;
  /** For `end`: { status }; for `step`: { name }; with `key` and `params` when the text is keyed (lib/i18n/said.ts). */
  data: Record<string, unknown> | null;
}

/** What job code reports. `progress` is a snapshot (only the latest is kept); the others are log lines. */
export type EmitInput =
  | ({ type: 'log'; text: string; level?: LogLevel } & Keyed)
  | ({ type: 'step'; name: string; text?: string } & Keyed)
  | ({ type: 'progress'; phase: string; bytes?: number; totalBytes?: number; rate?: number } & Keyed);

/**
 * Text made with `say(…)` carries its key and parameters beside the English (spread it in:
 * `emit({ type: 'step', name, ...say('steps.x', { … }) })`); the page renders it in its language.
 */
interface Keyed {
  key?: string;
  params?: SaidParams;
}

/** A step or log line made with say(): its `text` is the English (progress: `phase`). */
export function keyedPhase(said: Said): { phase: string; key: string; params?: SaidParams } {
  return { phase: said.text, key: said.key, params: said.params };
}

export type Emit = (event: EmitInput) => void;

/**
 * Handed to the code a job runs. `remember` writes a recovery note: if Opsdeck dies before the
 * job ends, the note's handler runs at the next start (delete this temp file, drop that scratch
 * database, put the app back up). `forget` removes it once the thing no longer needs undoing.
 */
export interface JobContext {
  readonly id: string;
  readonly stack: string;
  readonly kind: string;
  readonly user: string | null;
  readonly emit: Emit;
  readonly signal: AbortSignal;
  remember(key: string, value: unknown): void;
  forget(key: string): void;
}

/** The busy message names the holder, e.g. "Stack demo is busy: restore #12 started by alice at …". */
export interface JobHolder {
  id: string;
  kind: string;
  startedBy: string | null;
  startedAt: string;
}
