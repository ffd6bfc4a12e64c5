import { saidOf } from '@/lib/errors';
import { advance, formatCursor, formatPosition, type Cursor } from './cursor';
import { LEVEL_CODES } from './json-level';
import type { LogItem } from './types';

/**
 * The SSE wire format. One event carries a batch of lines (one `data:` line each), so a busy
 * container costs one event per Docker chunk rather than one per line; its id is the cursor after
 * its last line, so a reconnecting client (Last-Event-ID) resumes exactly after what it received.
 * One service: that service's cursor. Several: a cursor per service (see ResumePoint), since a
 * live merge may release a line older than one already sent.
 *
 *   data: <o|e><level code or -><source index>[/<slot>@<node>] <30-char stamp> <text>
 *
 * (the bracketed task tag only on a Swarm stack's lines: which replica wrote it, on which node).
 * A log line never contains "\n" here; "\r" would end an SSE line, so it is shown as "␍".
 */
export function sseLine(item: LogItem & { kind: 'line' }): string {
  const text = item.text.indexOf('\r') >= 0 ? item.text.replace(/\r/g, '␍') : item.text;
  return `data: ${item.stream === 'stderr' ? 'e' : 'o'}${item.level ? LEVEL_CODES[item.level] : '-'}${item.source}${item.tag ? `/${item.tag}` : ''} ${item.ts} ${text}\n`;
}

export interface SseState {
  /** Service names, by source index. */
  sources: readonly string[];
  /** The last line delivered per source (carried over from a resume). */
  cursors: (Cursor | null)[];
  floor: () => Cursor | null;
}

function positionId(state: SseState): string {
  if (state.sources.length === 1) return formatCursor(state.cursors[0]!);
  const floor = state.floor();
  // The session sets its floor before the first line leaves it; this is only a safety net.
  return formatPosition(floor ?? { ts: state.cursors.find(Boolean)!.ts, n: 0 }, state.sources, state.cursors);
}

export function encodeSseBatch(items: readonly LogItem[], state: SseState): string {
  let out = '';
  let open = false;
  for (const item of items) {
    if (item.kind === 'line') {
      out += sseLine(item);
      state.cursors[item.source] = advance(state.cursors[item.source] ?? null, item.ts);
      open = true;
      continue;
    }
    if (open) out += `id: ${positionId(state)}\n\n`;
    open = false;
    out += sseEvent('marker', { source: item.source, ts: item.ts, marker: item.marker, text: item.text });
  }
  if (open) out += `id: ${positionId(state)}\n\n`;
  return out;
}

export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseError(e: unknown): string {
  // The keyed text beside the English, so the viewer shows it in the reader's language.
  const said = saidOf(e);
  return sseEvent('failure', { message: said.text, ...('key' in said ? { said } : {}) });
}

/**
 * Plain text, as `docker logs` prints it: the line, optionally after its stamp, and (several
 * services) after the service name. Markers become "# …" lines.
 */
export function encodeTextBatch(items: readonly LogItem[], opts: { timestamps: boolean; services: readonly string[] | null; names?: readonly string[] }): string {
  let out = '';
  for (const item of items) {
    const svc = opts.services ? `${opts.services[item.source] ?? '?'} | ` : '';
    if (item.kind === 'marker') out += `# ${svc}${item.text}\n`;
    // A Swarm line names its task: `memos.2@swarm3 | …`, as `docker service logs` does.
    else if (item.tag) out += `${opts.timestamps ? `${item.ts} ` : ''}${opts.names?.[item.source] ?? ''}${item.tag.startsWith('@') ? '' : '.'}${item.tag} | ${item.text}\n`;
    else out += `${opts.timestamps ? `${item.ts} ` : ''}${svc}${item.text}\n`;
  }
  return out;
}
