import type { LogStreamName } from '@/lib/docker/logs';

export type { LogStreamName };

/** Normalised level of a line: JSON by its field, plain text by its conventions (text-level.ts); null when none. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogLine {
  kind: 'line';
  /** Index of the source (service) in the session's list. */
  source: number;
  stream: LogStreamName;
  /** Docker's stamp, 30 characters, comparable as a string (see timestamp.ts). */
  ts: string;
  text: string;
  level: LogLevel | null;
  /** runtime swarm: the task that wrote it, `slot@node` (the service is the source). */
  tag?: string;
}

export type MarkerKind = 'waiting' | 'stopped' | 'restarted' | 'error' | 'removed';

/** Something the reader must know that is not a log line: a restart and its gap, a wait, a failure. */
export interface LogMarker {
  kind: 'marker';
  source: number;
  ts: string;
  marker: MarkerKind;
  text: string;
}

export type LogItem = LogLine | LogMarker;
