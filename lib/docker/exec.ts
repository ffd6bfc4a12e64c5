/**
 * Docker exec inside a stack's service container: a Cmd array (never a shell string), credentials
 * through the exec's environment (never on the command line, where `ps` would show them), stdin
 * streamed in, stdout streamed out to a Writable with backpressure (a multi-GB dump never sits in
 * memory), stderr captured separately (it never ends up inside a dump) and the exit code.
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Duplex } from 'node:stream';
import type { Stack } from '@/lib/stacks/types';
import { getDocker } from './client';
import { dockerError } from './errors';
import { runningServiceContainer } from './service-containers';

export interface ExecOptions {
  cmd: string[];
  env?: Record<string, string>;
  /** Fed to the process's stdin; its end is the process's EOF. */
  stdin?: Readable;
  /** Receives stdout with backpressure. Without it, stdout is captured (up to `maxCapture` bytes). */
  stdout?: Writable;
  maxCapture?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /** Captured stdout (empty when `stdout` was given), cut at maxCapture. */
  stdout: string;
  /** The last 64 KB of stderr. */
  stderr: string;
  stdoutBytes: number;
  container: string;
}

const STDERR_KEEP = 64 * 1024;

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, payload length)
 * into stdout and stderr. Payload slices are passed on without copying; when the stdout target
 * is full the callback waits for 'drain', which stops reading from the socket.
 */
class Demux extends Writable {
  private header = Buffer.alloc(8);
  private headerFill = 0;
  private remaining = 0;
  private kind = 0;
  stdoutBytes = 0;
  stderrTail = '';
  captured: Buffer[] = [];
  private capturedBytes = 0;

  constructor(private readonly out: Writable | undefined, private readonly maxCapture: number) {
    super();
    // The target failing (disk full) must stop the copy, not leave it waiting for a 'drain'.
    out?.once('error', (e) => this.destroy(e));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    let offset = 0;
    let mustWait = false;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < 8) break;
        this.kind = this.header[0];
        this.remaining = this.header.readUInt32BE(4);
        this.headerFill = 0;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      const part = chunk.subarray(offset, offset + take);
      offset += take;
      this.remaining -= take;
      if (this.kind === 2) {
        this.stderrTail = (this.stderrTail + part.toString('utf8')).slice(-STDERR_KEEP);
      } else {
        this.stdoutBytes += part.length;
        if (this.out) {
          if (!this.out.write(part)) mustWait = true;
        } else if (this.capturedBytes < this.maxCapture) {
          const keep = part.subarray(0, this.maxCapture - this.capturedBytes);
          this.captured.push(Buffer.from(keep));
          this.capturedBytes += keep.length;
        }
      }
    }
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

async function exitCodeOf(exec: { inspect(): Promise<{ ExitCode: number | null; Running: boolean }> }): Promise<number> {
  // The stream can end a moment before the daemon records the exit.
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 100));
  }
  return -1;
}

/** Runs `opts.cmd` in the running container of `service`. A non-zero exit is a result, not an error. */
export async function execInService(stack: Stack, service: string, opts: ExecOptions): Promise<ExecResult> {
  opts.signal?.throwIfAborted();
  const container = await runningServiceContainer(stack, service);
  const { docker, endpoint } = getDocker();
  const doing = `running ${opts.cmd[0]} in the ${service} container of stack "${stack.name}"`;

  let socket: Duplex;
  let exec;
  try {
    exec = await docker.getContainer(container.id).exec({
      Cmd: opts.cmd,
      Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      AttachStdin: Boolean(opts.stdin),
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    socket = (await exec.start({ hijack: true, stdin: Boolean(opts.stdin) })) as unknown as Duplex;
  } catch (e) {
    throw dockerError(e, endpoint.label, doing);
  }

  const demux = new Demux(opts.stdout, opts.maxCapture ?? 1024 * 1024);
  const onAbort = () => socket.destroy(new Error('aborted'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const stdin = opts.stdin;
    const feeding = stdin
      ? pipeline(stdin, socket).catch((e: NodeJS.ErrnoException) => {
          // The process may exit before reading all its input (pg_restore --list reads only the TOC).
          if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET' && e.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
        })
      : Promise.resolve();
    // Output ends when the process exits. Whatever input it did not read is not sent: the daemon
    // would otherwise accept (and discard) the rest of a multi-GB file.
    await Promise.race([pipeline(socket, demux), feeding.then(() => new Promise<void>(() => undefined))]);
    if (stdin && !stdin.readableEnded) stdin.destroy();
    await feeding;
  } catch (e) {
    socket.destroy();
    opts.stdin?.destroy();
    if (opts.signal?.aborted) throw opts.signal.reason ?? e;
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  let exitCode: number;
  try {
    exitCode = await exitCodeOf(exec);
  } catch (e) {
    throw dockerError(e, endpoint.label, doing);
  }
  return {
    exitCode,
    stdout: Buffer.concat(demux.captured).toString('utf8'),
    stderr: demux.stderrTail,
    stdoutBytes: demux.stdoutBytes,
    container: container.name,
  };
}
