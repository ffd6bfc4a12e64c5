import { parseRecord, SseParser, type ViewLine } from './wire';

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting'; reason: string }
  | { state: 'complete' }
  | { state: 'failed'; message: string };

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
      let reason = 'the connection closed';
      try {
        const ended = await this.once();
        if (ended) return this.h.onStatus({ state: 'complete' });
        delay = 1000;
      } catch (e) {
        if (this.stopped) return;
        if (e instanceof HttpError && e.status >= 400 && e.status < 500) return this.h.onStatus({ state: 'failed', message: e.message });
        reason = e instanceof Error ? e.message : String(e);
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
      const body = (await res.json().catch(() => null)) as { error?: string } | null;
      throw new HttpError(res.status, body?.error ?? `The server answered ${res.status}.`);
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
          throw new Error((JSON.parse(ev.data.join('\n')) as { message: string }).message);
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
    message: string,
  ) {
    super(message);
  }
}
