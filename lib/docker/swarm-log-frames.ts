/**
 * The engine's multiplexed log body (8-byte frame header: stream, 0, 0, 0, big-endian payload size)
 * split into lines per stream as chunks arrive, so a service's log is parsed while the manager is
 * still sending it instead of after the whole body was buffered. A frame, and a line, may span
 * chunks; stdout and stderr keep their own partial line.
 */
export type FrameStream = 'stdout' | 'stderr';

export class FrameLines {
  private rest: Buffer | null = null;
  private pending: Record<FrameStream, string> = { stdout: '', stderr: '' };

  constructor(private readonly onLine: (stream: FrameStream, text: string) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    while (off + 8 <= buf.length) {
      const size = buf.readUInt32BE(off + 4);
      if (off + 8 + size > buf.length) break;
      const stream: FrameStream = buf[off] === 2 ? 'stderr' : 'stdout';
      const text = this.pending[stream] + buf.toString('utf8', off + 8, off + 8 + size);
      off += 8 + size;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        this.onLine(stream, text.slice(start, nl));
        start = nl + 1;
      }
      this.pending[stream] = start ? text.slice(start) : text;
    }
    // A copy: a view would keep the whole chunk alive until the next one.
    this.rest = off < buf.length ? Buffer.from(buf.subarray(off)) : null;
  }

  /** The body ended: a last line without its newline is still a line. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.pending[stream]) this.onLine(stream, this.pending[stream]);
      this.pending[stream] = '';
    }
    this.rest = null;
  }
}
