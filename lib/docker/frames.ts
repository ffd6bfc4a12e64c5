/**
 * Docker's multiplexed stream (exec, attach and logs of a container without a TTY): frames of an
 * 8-byte header (stream type: 1 stdout, 2 stderr; three zero bytes; big-endian payload length)
 * followed by the payload. One parser for every reader of it, so a header split across chunks is
 * handled in one place.
 */

/** Stream type in a frame header. */
export const STDERR = 2;

/**
 * Parses frames as chunks arrive. Payload slices are views into the chunk (no copy); a frame's
 * payload may come in several slices, the first flagged `start`.
 */
export class FrameSplitter {
  private readonly header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private kind = 1;
  /** A header was read and its payload's first slice not yet handed on (may span chunks). */
  private start = false;

  /**
   * Hands each payload slice of `chunk` to `onPart`. Returning `false` from it stops at once (the
   * reader is giving up: the rest of the chunk is dropped).
   */
  split(chunk: Buffer, onPart: (kind: number, part: Buffer, start: boolean) => boolean | void): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < 8) return;
        this.kind = this.header[0];
        this.remaining = this.header.readUInt32BE(4);
        this.headerFill = 0;
        this.start = true;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      const part = chunk.subarray(offset, offset + take);
      offset += take;
      this.remaining -= take;
      const go = onPart(this.kind, part, this.start);
      this.start = false;
      if (go === false) return;
    }
  }
}

/** The payloads of a whole buffered body (e.g. a finished container's log), in order. */
export function unframe(buf: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  new FrameSplitter().split(buf, (_kind, part) => {
    parts.push(part);
  });
  return parts;
}
