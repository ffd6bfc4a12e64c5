import type { LogPiece } from '@/lib/docker/logs';
import { detectLevel } from './json-level';
import { TS_LENGTH } from './timestamp';
import type { LogLine, LogStreamName } from './types';

/** A longer line is cut here (with a marker) so one runaway line cannot exhaust memory or the browser. */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024;
/** dockerd's log copier splits longer lines into messages of this many bytes, each with its own stamp. */
const DOCKER_PARTIAL_BYTES = 16 * 1024;
const STAMP_BYTES = TS_LENGTH + 1; // stamp + space

export interface SplitterOptions {
  source: number;
  /** TTY containers: raw bytes, "\r\n" endings, no message boundaries. */
  tty: boolean;
  maxLineBytes?: number;
  /** Applied to every finished line (secret masking). */
  redact?: (text: string) => string;
}

interface StreamState {
  name: LogStreamName;
  parts: Buffer[];
  size: number;
  dropped: number;
  ts: string;
  /** Content bytes of the current Docker message (TTY: to find the 16 KiB partial boundaries). */
  messageBytes: number;
  expectStamp: boolean;
  stamp: Buffer | null;
  stampLen: number;
}

const newState = (name: LogStreamName): StreamState => ({
  name, parts: [], size: 0, dropped: 0, ts: '', messageBytes: 0, expectStamp: true, stamp: null, stampLen: 0,
});

/** Positional check of "2024-05-01T12:00:00.123456789Z" followed by a space; no regex per line. */
function isStampAt(b: Buffer, o: number): boolean {
  return (
    b[o + 4] === 45 && b[o + 7] === 45 && b[o + 10] === 84 && b[o + 13] === 58 && b[o + 16] === 58 &&
    b[o + 19] === 46 && b[o + 29] === 90 && b[o + 30] === 32 && b[o] >= 48 && b[o] <= 57
  );
}

/** Where to cut `buf` so the text ends on a whole UTF-8 character. */
function utf8Boundary(buf: Buffer): number {
  let i = buf.length - 1;
  while (i > 0 && (buf[i] & 0xc0) === 0x80) i--;
  if (i < 0) return 0;
  const lead = buf[i];
  const len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + len <= buf.length ? buf.length : i;
}

/**
 * Turns Docker log pieces into lines: joins lines split across HTTP chunks and Docker's 16 KiB
 * partial messages, strips the per-message stamps, keeps stdout and stderr apart, and cuts a line
 * longer than the cap with a marker saying how much was dropped (the rest is counted, not kept).
 */
export class LineSplitter {
  private readonly out: StreamState = newState('stdout');
  private readonly err: StreamState = newState('stderr');
  private readonly max: number;

  constructor(private readonly opts: SplitterOptions) {
    this.max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(pieces: readonly LogPiece[], into: LogLine[]): void {
    for (const p of pieces) {
      const s = p.stream === 'stderr' ? this.err : this.out;
      if (p.messageStart) {
        s.expectStamp = true;
        s.stampLen = 0;
        s.messageBytes = 0;
      }
      this.feed(s, p.data, into);
    }
  }

  /** End of the stream: a last line without a newline is still a line. */
  end(into: LogLine[]): void {
    for (const s of [this.out, this.err]) {
      if (s.stampLen > 0 && s.stamp) this.content(s, s.stamp.subarray(0, s.stampLen), into);
      s.stampLen = 0;
      if (s.size > 0 || s.dropped > 0) this.emit(s, into);
    }
  }

  private feed(s: StreamState, data: Buffer, into: LogLine[]): void {
    let off = 0;
    if (s.expectStamp && s.stampLen === 0 && data.length >= STAMP_BYTES && isStampAt(data, 0)) {
      // The common case: a whole stamp at the start of the piece.
      this.stamp(s, data.toString('latin1', 0, TS_LENGTH));
      off = STAMP_BYTES;
    } else if (s.expectStamp) {
      // A stamp split across chunks: collect its 31 bytes first.
      s.stamp ??= Buffer.alloc(STAMP_BYTES);
      const take = Math.min(STAMP_BYTES - s.stampLen, data.length);
      data.copy(s.stamp, s.stampLen, 0, take);
      s.stampLen += take;
      off = take;
      if (s.stampLen < STAMP_BYTES) return;
      const collected = s.stamp;
      s.stampLen = 0;
      if (isStampAt(collected, 0)) this.stamp(s, collected.toString('latin1', 0, TS_LENGTH));
      else {
        s.expectStamp = false;
        this.content(s, Buffer.from(collected), into);
      }
    }
    if (off < data.length) this.content(s, off === 0 ? data : data.subarray(off), into);
  }

  private stamp(s: StreamState, ts: string): void {
    s.expectStamp = false;
    // A continuation message of a long line carries its own stamp; the line keeps its first one.
    if (s.size === 0 && s.dropped === 0) s.ts = ts;
    else if (!s.ts) s.ts = ts;
  }

  private content(s: StreamState, data: Buffer, into: LogLine[]): void {
    let off = 0;
    while (off < data.length) {
      if (s.expectStamp) {
        this.feed(s, data.subarray(off), into);
        return;
      }
      const nl = data.indexOf(10, off);
      let end = nl < 0 ? data.length : nl;
      if (this.opts.tty) {
        // In a TTY stream the only trace of a 16 KiB partial is the next message's stamp, inline.
        const boundary = off + (DOCKER_PARTIAL_BYTES - s.messageBytes);
        if (boundary < end || (nl < 0 && boundary === end)) {
          end = boundary;
          this.append(s, data, off, end);
          s.messageBytes = 0;
          s.expectStamp = true;
          off = end;
          continue;
        }
        s.messageBytes += end - off;
      }
      this.append(s, data, off, end);
      if (nl < 0) return;
      this.emit(s, into);
      off = nl + 1;
      if (this.opts.tty) {
        s.expectStamp = true;
        s.messageBytes = 0;
      }
    }
  }

  private append(s: StreamState, data: Buffer, from: number, to: number): void {
    const room = this.max - s.size;
    const take = Math.max(0, Math.min(room, to - from));
    if (take > 0) {
      s.parts.push(from === 0 && take === data.length ? data : data.subarray(from, from + take));
      s.size += take;
    }
    s.dropped += to - from - take;
  }

  private emit(s: StreamState, into: LogLine[]): void {
    let buf = s.parts.length === 1 ? s.parts[0] : Buffer.concat(s.parts, s.size);
    let dropped = s.dropped;
    if (dropped > 0) {
      const cut = utf8Boundary(buf);
      dropped += buf.length - cut;
      buf = buf.subarray(0, cut);
    }
    let text = buf.toString('utf8');
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (this.opts.redact) text = this.opts.redact(text);
    if (dropped > 0) text += ` …[line cut: ${dropped} more bytes]`;
    into.push({ kind: 'line', source: this.opts.source, stream: s.name, ts: s.ts, text, level: detectLevel(text) });
    s.parts = [];
    s.size = 0;
    s.dropped = 0;
  }
}
