/**
 * The browser side of the log stream's wire format (lib/logs/encode.ts): an incremental SSE
 * parser, and the line records inside its events.
 */
export type LevelCode = 't' | 'd' | 'i' | 'w' | 'e' | 'f';

export const LEVELS: { code: LevelCode; name: string; rank: number }[] = [
  { code: 't', name: 'TRACE', rank: 0 },
  { code: 'd', name: 'DEBUG', rank: 1 },
  { code: 'i', name: 'INFO', rank: 2 },
  { code: 'w', name: 'WARN', rank: 3 },
  { code: 'e', name: 'ERROR', rank: 4 },
  { code: 'f', name: 'FATAL', rank: 5 },
];
export const LEVEL_RANK: Record<string, number> = Object.fromEntries(LEVELS.map((l) => [l.code, l.rank]));
export const LEVEL_NAME: Record<string, string> = Object.fromEntries(LEVELS.map((l) => [l.code, l.name]));

export interface ViewLine {
  /** Position in this page's buffer (increasing). */
  id: number;
  kind: 'line' | 'marker';
  source: number;
  stderr: boolean;
  level: LevelCode | null;
  ts: string;
  text: string;
  /** runtime swarm: the task that wrote the line, `slot@node`. */
  tag?: string;
  /** Search generation this line last matched in (see LogStore). */
  mg: number;
  /** Display text, computed the first time a search needs it. */
  view?: string;
}

const TS_LEN = 30;

/** "o i 0 <ts> <text>" without the spaces: stream, level, source index (a Swarm line: "0/2@node"), stamp, text. */
export function parseRecord(rec: string): Omit<ViewLine, 'id' | 'mg'> | null {
  const sp = rec.indexOf(' ', 2);
  if (sp < 0) return null;
  const level = rec[1];
  const slash = rec.indexOf('/', 2);
  const tagged = slash > 0 && slash < sp;
  return {
    kind: 'line',
    stderr: rec[0] === 'e',
    level: level === '-' ? null : (level as LevelCode),
    source: Number(rec.slice(2, tagged ? slash : sp)),
    ...(tagged ? { tag: rec.slice(slash + 1, sp) } : {}),
    ts: rec.slice(sp + 1, sp + 1 + TS_LEN),
    text: rec.slice(sp + 2 + TS_LEN),
  };
}

export interface SseEvent {
  event: string;
  /** The event's data lines, unjoined (a lines event carries one record per data line). */
  data: string[];
  id: string | null;
}

export class SseParser {
  private buf = '';
  private event = 'message';
  private data: string[] = [];
  private id: string | null = null;

  feed(chunk: string, emit: (e: SseEvent) => void): void {
    this.buf += chunk;
    let start = 0;
    for (let nl = this.buf.indexOf('\n', start); nl >= 0; nl = this.buf.indexOf('\n', start)) {
      let line = this.buf.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (this.data.length) emit({ event: this.event, data: this.data, id: this.id });
        this.event = 'message';
        this.data = [];
        this.id = null;
        continue;
      }
      if (line.charCodeAt(0) === 58 /* : comment, e.g. keep-alive pings */) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
    }
    this.buf = this.buf.slice(start);
  }
}
