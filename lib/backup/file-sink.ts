/**
 * Where a dump streams to: a file written chunk by chunk (never buffered whole), hashed as it is
 * written (no second read for the checksum), fsynced before it counts as written.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { Transform, Writable } from 'node:stream';

export class HashingFileSink extends Writable {
  private readonly hash: Hash = createHash('sha256');
  private fd: number;
  bytes = 0;

  constructor(readonly file: string, private readonly onBytes?: (total: number) => void) {
    // 1 MB of buffering between the socket and the disk smooths out write latency.
    super({ highWaterMark: 1024 * 1024 });
    this.fd = fs.openSync(file, 'wx', 0o600);
  }

  private writeAll(buffers: Buffer[], cb: (e?: Error | null) => void): void {
    const total = buffers.reduce((n, b) => n + b.length, 0);
    const done = (e: NodeJS.ErrnoException | null, written: number) => {
      if (e) return cb(e);
      if (written < total) {
        // Short write: continue with what is left.
        let skip = written;
        const rest: Buffer[] = [];
        for (const b of buffers) {
          if (skip >= b.length) {
            skip -= b.length;
            continue;
          }
          rest.push(b.subarray(skip));
          skip = 0;
        }
        return this.writeAll(rest, cb);
      }
      cb();
    };
    fs.writev(this.fd, buffers, done);
  }

  private accept(buffers: Buffer[], cb: (e?: Error | null) => void): void {
    for (const b of buffers) {
      this.hash.update(b);
      this.bytes += b.length;
    }
    this.onBytes?.(this.bytes);
    this.writeAll(buffers, cb);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.accept([chunk], cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.accept(chunks.map((c) => c.chunk), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    fs.fsync(this.fd, (e) => cb(e));
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      fs.close(fd, () => cb(err));
    } else cb(err);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * sha256 of a file, reporting bytes read. One 1 MB buffer reused for the whole file: hashing a
 * multi-GB backup allocates nothing per chunk, so Opsdeck's memory does not grow with it.
 */
export async function sha256File(file: string, onBytes?: (total: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.promises.open(file, 'r');
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let total = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      total += bytesRead;
      onBytes?.(total);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Passes data through, counting it (progress of a file being fed to pg_restore/psql). */
export function counter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      onBytes(total);
      cb(null, chunk);
    },
  });
}
