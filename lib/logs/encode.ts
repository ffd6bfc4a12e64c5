import { userMessageOf } from '@/lib/errors';
import { advance, formatCursor, type Cursor } from './cursor';
import { LEVEL_CODES } from './json-level';
import type { LogItem } from './types';

/**
 * The SSE wire format. One event carries a batch of lines (one `data:` line each), so a busy
 * container costs one event per Docker chunk rather than one per line; its id is the cursor after
 * its last line, so a reconnecting client (Last-Event-ID) resumes exactly after what it received.
 *
 *   data: <o|e><level code or -><source index> <30-char stamp> <text>
 *
 * A log line never contains "\n" here; "\r" would end an SSE line, so it is shown as "␍".
 */
export function sseLine(item: LogItem & { kind: 'line' }): string {
  const text = item.text.indexOf('\r') >= 0 ? item.text.replace(/\r/g, '␍') : item.text;
  return `data: ${item.stream === 'stderr' ? 'e' : 'o'}${item.level ? LEVEL_CODES[item.level] : '-'}${item.source} ${item.ts} ${text}\n`;
}

export interface SseState {
  cursor: Cursor | null;
}

export function encodeSseBatch(items: readonly LogItem[], state: SseState): string {
  let out = '';
  let open = false;
  for (const item of items) {
    if (item.kind === 'line') {
      out += sseLine(item);
      state.cursor = advance(state.cursor, item.ts);
      open = true;
      continue;
    }
    if (open) out += `id: ${formatCursor(state.cursor!)}\n\n`;
    open = false;
    out += sseEvent('marker', { source: item.source, ts: item.ts, marker: item.marker, text: item.text });
  }
  if (open) out += `id: ${formatCursor(state.cursor!)}\n\n`;
  return out;
}

export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseError(e: unknown): string {
  return sseEvent('failure', { message: userMessageOf(e) });
}

/**
 * Plain text, as `docker logs` prints it: the line, optionally after its stamp, and (several
 * services) after the service name. Markers become "# …" lines.
 */
export function encodeTextBatch(items: readonly LogItem[], opts: { timestamps: boolean; services: readonly string[] | null }): string {
  let out = '';
  for (const item of items) {
    const svc = opts.services ? `${opts.services[item.source] ?? '?'} | ` : '';
    if (item.kind === 'marker') out += `# ${svc}${item.text}\n`;
    else out += `${opts.timestamps ? `${item.ts} ` : ''}${svc}${item.text}\n`;
  }
  return out;
}
