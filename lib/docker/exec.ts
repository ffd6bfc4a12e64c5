/**
 * Docker exec inside a stack's service container: a Cmd array (never a shell string), credentials
 * through the exec's environment (never on the command line, where `ps` would show them), stdin
 * streamed in, stdout streamed out to a Writable with backpressure (a multi-GB dump never sits in
 * memory), stderr captured separately (it never ends up inside a dump) and the exit code.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import type { Stack } from '@/lib/stacks/types';
import { getDocker } from './client';
import { Demux, pump } from './demux';
import { dockerError } from './errors';
import { runningServiceContainer, stoppedMeanwhile } from './service-containers';

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
    throw (await stoppedMeanwhile(stack, service, container.id, e)) ?? dockerError(e, endpoint.label, doing);
  }

  const demux = new Demux(opts.stdout, opts.maxCapture ?? 1024 * 1024);
  await pump(socket, demux, opts.stdin, opts.signal);
  let exitCode: number;
  try {
    exitCode = await exitCodeOf(exec);
  } catch (e) {
    throw dockerError(e, endpoint.label, doing);
  }
  return { exitCode, ...demux.output(), container: container.name };
}
