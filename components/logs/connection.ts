import { isSaid, type Said } from '@/lib/i18n/said';
import { parseRecord, SseParser, type ViewLine } from './wire';

/**
 * Why the stream stopped, for the viewer to put in the reader's language: the server's words (keyed
 * when it sent them keyed), the bare HTTP status of an answer without words, or a closed connection.
 */
export type StopReason = { text: string; said?: Said } | { httpStatus: number } | { closed: true };

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting'; reason: StopReason }
  | { state: 'complete' }
  | { state: 'failed'; reason: StopReason };

export interface MarkerData {
  source: number;
  ts: string;
  marker: string;
  text: string;
}

export interface ConnectionHandlers {
  onMeta(sources: string[]): void;
  onLines(lines: Omit<ViewLine, 'id' | 'mg'>[]): void;
  onStatus(s: ConnectionStatus): void;
}

/**
 * One log stream over fetch (not EventSource): we see the HTTP status and error message, we set
 * Last-Event-ID ourselves when reconnecting, and reading is paced by this page: when the main
 * thread is busy, reads slow down and the server stops reading Docker (backpressure end to end).
 */
export class LogConnection {
  private abort = new AbortController();
  private lastId: string | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly h: ConnectionHandlers,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async run(): Promise<void> {
    let delay = 1000;
    while (!this.stopped) {
      this.abort = new AbortController();
      let reason: StopReason = { closed: true };
      try {
        const ended = await this.once();
        if (ended) return this.h.onStatus({ state: 'complete' });
        delay = 1000;
      } catch (e) {
        if (this.stopped) return;
        if (e instanceof HttpError && e.status >= 400 && e.status < 500) return this.h.onStatus({ state: 'failed', reason: e.reason });
        reason = e instanceof HttpError ? e.reason : e instanceof StreamFailure ? e.reason : { text: e instanceof Error ? e.message : String(e) };
      }
      if (this.stopped) return;
      this.h.onStatus({ state: 'reconnecting', reason });
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  /** Reads one response to its end. Returns true when the server said the log is complete. */
  private async once(): Promise<boolean> {
    this.h.onStatus({ state: 'connecting' });
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.lastId) headers['Last-Event-ID'] = this.lastId;
    const res = await fetch(this.url, { headers, signal: this.abort.signal, cache: 'no-store' });
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => null)) as { error?: unknown; said?: unknown } | null;
      throw new HttpError(res.status, typeof body?.error === 'string' ? { text: body.error, ...(isSaid(body.said) ? { said: body.said } : {}) } : { httpStatus: res.status });
    }
    this.h.onStatus({ state: 'live' });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    let ended = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const lines: Omit<ViewLine, 'id' | 'mg'>[] = [];
      parser.feed(value, (ev) => {
        if (ev.event === 'message') {
          for (const rec of ev.data) {
            const line = parseRecord(rec);
            if (line) lines.push(line);
          }
        } else if (ev.event === 'marker') {
          const m = JSON.parse(ev.data.join('\n')) as MarkerData;
          lines.push({ kind: 'marker', source: m.source, stderr: false, level: null, ts: m.ts, text: m.text });
        } else if (ev.event === 'meta') {
          this.h.onMeta((JSON.parse(ev.data.join('\n')) as { sources: string[] }).sources);
        } else if (ev.event === 'end') {
          ended = true;
        } else if (ev.event === 'failure') {
          const failure = JSON.parse(ev.data.join('\n')) as { message: string; said?: unknown };
          throw new StreamFailure({ text: failure.message, ...(isSaid(failure.said) ? { said: failure.said } : {}) });
        }
        if (ev.id) this.lastId = ev.id;
      });
      if (lines.length) this.h.onLines(lines);
    }
    return ended;
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: StopReason,
  ) {
    super('text' in reason ? reason.text : `HTTP ${status}`);
  }
}

/** A `failure` event: the server's words, keyed when it sent them keyed. */
class StreamFailure extends Error {
  constructor(readonly reason: { text: string; said?: Said }) {
    super(reason.text);
  }
}
