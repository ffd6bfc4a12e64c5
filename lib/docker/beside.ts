/**
 * A short-lived container beside a stack's service container: the service's own image (so its
 * tools are the server's version), in the service container's network namespace (so it reaches the
 * server at 127.0.0.1 as a process inside would), but in a cgroup of its own with the same CPU and
 * memory limits. Why: a bulk load's client work (pg_restore decompressing the archive) then does not
 * take CPU from the server it feeds, which a `docker exec` inside a CPU-capped database container
 * does. Removed by the daemon when it exits (also when Opsdeck dies: its stdin closes, it ends).
 */
import type { Duplex } from 'node:stream';
import type { Stack } from '@/lib/stacks/types';
import { Demux, pump } from './demux';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import type { ExecOptions, ExecResult } from './exec';
import { serviceTarget } from './service-containers';
import { tarByFolder } from './tar';

/** Marks Opsdeck's helper containers (value: the stack's name); they carry no compose labels. */
export const HELPER_LABEL = 'io.opsdeck.helper-for';

export async function runBesideService(stack: Stack, service: string, opts: ExecOptions): Promise<ExecResult> {
  opts.signal?.throwIfAborted();
  // On Swarm: beside the task's container, on its node's engine.
  const { docker, endpoint, container: target } = await serviceTarget(stack, service);
  const doing = () => say('errors.docker.doing.runBeside', { command: opts.cmd[0], service, stack: stack.name });
  let socket: Duplex;
  let waited: Promise<{ StatusCode: number }>;
  let helper;
  try {
    const info = await docker.getContainer(target.id).inspect();
    helper = await docker.createContainer({
      Image: info.Image,
      Entrypoint: [opts.cmd[0]],
      Cmd: opts.cmd.slice(1),
      Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: { [HELPER_LABEL]: stack.name },
      AttachStdin: Boolean(opts.stdin),
      OpenStdin: Boolean(opts.stdin),
      StdinOnce: Boolean(opts.stdin),
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      HostConfig: {
        NetworkMode: `container:${target.id}`,
        AutoRemove: true,
        NanoCpus: info.HostConfig?.NanoCpus || undefined,
        Memory: info.HostConfig?.Memory || undefined,
      },
    });
    for (const [dir, tar] of tarByFolder(opts.files ?? [])) await helper.putArchive(tar, { path: dir });
    socket = (await helper.attach({ stream: true, hijack: true, stdin: Boolean(opts.stdin), stdout: true, stderr: true })) as unknown as Duplex;
    // Asked before the start: with AutoRemove the exit code is only known to a waiter already there.
    waited = helper.wait({ condition: 'removed' }) as Promise<{ StatusCode: number }>;
    await helper.start();
  } catch (e) {
    await helper?.remove({ force: true }).catch(() => undefined);
    throw dockerError(e, endpoint.label, doing());
  }
  const demux = new Demux(opts.stdout, opts.maxCapture ?? 1024 * 1024);
  try {
    await pump(socket, demux, opts.stdin, opts.signal);
  } catch (e) {
    await helper.remove({ force: true }).catch(() => undefined);
    throw e;
  }
  let exitCode: number;
  try {
    exitCode = (await waited).StatusCode;
  } catch (e) {
    throw dockerError(e, endpoint.label, doing());
  }
  return { exitCode, ...demux.output(), container: target.name };
}
