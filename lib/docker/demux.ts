/**
 * The process I/O of a Docker exec or of an attached container: Docker's multiplexed stream split
 * into stdout (streamed with backpressure, or captured) and stderr (its tail kept), and stdin fed
 * in. Shared by exec.ts and beside.ts.
 */
import { Writable, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FrameSplitter, STDERR } from './frames';

const STDERR_KEEP = 64 * 1024;

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, payload length)
 * into stdout and stderr. Payload slices are passed on without copying; when the stdout target
 * is full the callback waits for 'drain', which stops reading from the socket.
 */
export class Demux extends Writable {
  private readonly frames = new FrameSplitter();
  stdoutBytes = 0;
  stderrTail = '';
  captured: Buffer[] = [];
  private capturedBytes = 0;

  constructor(private readonly out: Writable | undefined, private readonly maxCapture: number) {
    super();
    // The target failing (disk full) must stop the copy, not leave it waiting for a 'drain'.
    out?.once('error', (e) => this.destroy(e));
  }

  /** What the process wrote, as ExecResult reports it. */
  output(): { stdout: string; stderr: string; stdoutBytes: number } {
    return { stdout: Buffer.concat(this.captured).toString('utf8'), stderr: this.stderrTail, stdoutBytes: this.stdoutBytes };
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    let mustWait = false;
    this.frames.split(chunk, (kind, part) => {
      if (kind === STDERR) {
        this.stderrTail = (this.stderrTail + part.toString('utf8')).slice(-STDERR_KEEP);
        return;
      }
      this.stdoutBytes += part.length;
      if (this.out) {
        if (!this.out.write(part)) mustWait = true;
      } else if (this.capturedBytes < this.maxCapture) {
        const keep = part.subarray(0, this.maxCapture - this.capturedBytes);
        this.captured.push(Buffer.from(keep));
        this.capturedBytes += keep.length;
      }
    });
    if (!mustWait || !this.out) return cb();
    const out = this.out;
    if (out.destroyed) return cb(out.errored ?? new Error('the output stream was closed'));
    const onDrain = () => {
      out.off('close', onClose);
      cb();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      cb(out.errored ?? new Error('the output stream was closed'));
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.out) return cb();
    this.out.end((e?: Error | null) => cb(e));
  }
}

/**
 * Feeds `stdin` to the process and reads its output until the process ends (its output ends).
 * Whatever input it did not read is not sent: the daemon would otherwise accept (and discard) the
 * rest of a multi-GB file.
 */
export async function pump(socket: Duplex, demux: Demux, stdin: Readable | undefined, signal: AbortSignal | undefined): Promise<void> {
  const onAbort = () => socket.destroy(new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const feeding = stdin
      ? pipeline(stdin, socket).catch((e: NodeJS.ErrnoException) => {
          // The process may exit before reading all its input (pg_restore --list reads only the TOC).
          if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET' && e.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
        })
      : Promise.resolve();
    await Promise.race([pipeline(socket, demux), feeding.then(() => new Promise<void>(() => undefined))]);
    if (stdin && !stdin.readableEnded) stdin.destroy();
    await feeding;
  } catch (e) {
    socket.destroy();
    stdin?.destroy();
    if (signal?.aborted) throw signal.reason ?? e;
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
