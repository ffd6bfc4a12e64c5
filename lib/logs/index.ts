/** Public surface of lib/logs: container logs as ordered, resumable, merged lines. */
export type { LogItem, LogLine, LogMarker, LogLevel, MarkerKind } from './types';
export { openLogSession, type LogRequest, type LogSession } from './session';
export { parseLogQuery, statusOf, DEFAULT_TAIL, MAX_TAIL, type ParsedLogQuery } from './query';
export { toSseStream, toTextStream, PING_MS } from './stream';
export { parseCursor, formatCursor, advance, type Cursor } from './cursor';
