/**
 * Docker exec inside a stack's service container: a Cmd array (never a shell string), credentials
 * through the exec's environment (never on the command line, where `ps` would show them), stdin
 * streamed in, stdout streamed out to a Writable with backpressure (a multi-GB dump never sits in
 * memory), stderr captured separately (it never ends up inside a dump) and the exit code.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { Demux, pump } from './demux';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import { serviceTarget, stoppedMeanwhile } from './service-containers';
import { tarByFolder, type ContainerFile } from './tar';

export interface ExecOptions {
  cmd: string[];
  env?: Record<string, string>;
  /** Fed to the process's stdin; its end is the process's EOF. */
  stdin?: Readable;
  /** Receives stdout with backpressure. Without it, stdout is captured (up to `maxCapture` bytes). */
  stdout?: Writable;
  maxCapture?: number;
  signal?: AbortSignal;
  /**
   * Small files the command reads (pg_restore's -L list), put in place before it starts. In a
   * service container they are removed again afterwards; a helper container goes with its files.
   */
  files?: ContainerFile[];
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
  // The engine that runs it: on Swarm, that of the task's node.
  const { docker, endpoint, container } = await serviceTarget(stack, service);
  const doing = () => say('errors.docker.doing.runIn', { command: opts.cmd[0], service, stack: stack.name });

  let socket: Duplex;
  let exec;
  const target = docker.getContainer(container.id);
  try {
    for (const [dir, tar] of tarByFolder(opts.files ?? [])) await target.putArchive(tar, { path: dir });
    exec = await target.exec({
      Cmd: opts.cmd,
      Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      AttachStdin: Boolean(opts.stdin),
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    socket = (await exec.start({ hijack: true, stdin: Boolean(opts.stdin) })) as unknown as Duplex;
  } catch (e) {
    if (opts.files?.length) await removeFiles(target, opts.files.map((f) => f.path));
    throw (await stoppedMeanwhile(stack, service, container.id, e, docker)) ?? dockerError(e, endpoint.label, doing());
  }

  const demux = new Demux(opts.stdout, opts.maxCapture ?? 1024 * 1024);
  let exitCode: number;
  try {
    await pump(socket, demux, opts.stdin, opts.signal);
    try {
      exitCode = await exitCodeOf(exec);
    } catch (e) {
      throw dockerError(e, endpoint.label, doing());
    }
  } finally {
    if (opts.files?.length) await removeFiles(target, opts.files.map((f) => f.path));
  }
  return { exitCode, ...demux.output(), container: container.name };
}

/** Removes files put into a container for one command (best effort: /tmp of a container). */
async function removeFiles(target: Docker.Container, paths: string[]): Promise<void> {
  try {
    const rm = await target.exec({ Cmd: ['rm', '-f', '--', ...paths], AttachStdout: true, AttachStderr: true });
    const stream = await rm.start({});
    // Waited for: once the command has returned, its files are gone.
    await new Promise((resolve) => {
      stream.on('end', resolve);
      stream.on('error', resolve);
      stream.resume();
    });
  } catch {
    // The container may have stopped meanwhile; its /tmp goes with it.
  }
}
