/** Public surface of lib/logs: container logs as ordered, resumable, merged lines. */
export type { LogItem, LogLine, LogMarker, LogLevel, MarkerKind } from './types';
export { openLogSession, type LogRequest, type LogSession } from './session';
export { parseLogQuery, DEFAULT_TAIL, MAX_TAIL, type ParsedLogQuery } from './query';
export { toSseStream, toTextStream, PING_MS, MAX_LIFETIME_MS, RECHECK_MS, type SseStreamOptions } from './stream';
export { parseCursor, formatCursor, advance, parseResume, type Cursor, type ResumePoint } from './cursor';
export { liveLogStream } from './live-response';
