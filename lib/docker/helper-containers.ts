/**
 * Long-running and throwaway helper containers of a stack's database image, for continuous WAL
 * archiving (lib/pitr): the WAL receiver lives beside the database container (its network
 * namespace, so it reaches the server at 127.0.0.1 without a published port), writing into the
 * stack's backup folder through a bind mount; the rebuild server of a point-in-time restore runs
 * without any network. Both carry HELPER_LABEL plus a role label, so Opsdeck finds them again after
 * a restart and removes what it no longer needs.
 */
import type { Duplex } from 'node:stream';
import type { Stack } from '@/lib/stacks/types';
import { HELPER_LABEL } from './beside';
import { getDocker, type EngineOwner } from './client';
import { Demux, pump } from './demux';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import { unframe } from './frames';
import type { ExecOptions, ExecResult } from './exec';
import { runningServiceContainer } from './service-containers';

/** What a helper is for ("wal-receiver", "pitr-rebuild"); one label, so a list finds them all. */
export const HELPER_ROLE_LABEL = 'io.opsdeck.helper-role';

export interface HelperSpec {
  role: string;
  /** Container name; unique per stack and role, so a second start is refused by the daemon. */
  name: string;
  cmd: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  /** host-path:container-path[:ro] */
  binds: string[];
  /** uid:gid the process runs as; default the image's user. */
  user?: string;
  /**
   * CPU weight against other containers when the machine's cores are all busy (Docker's
   * `--cpu-shares`, default 1024); no cap: an idle machine still gives the helper what it asks.
   */
  cpuShares?: number;
}

export interface HelperInfo {
  id: string;
  name: string;
  running: boolean;
  /** ISO time the container was started (null when never started). */
  startedAt: string | null;
}

const env = (e: Record<string, string> = {}) => Object.entries(e).map(([k, v]) => `${k}=${v}`);

/** Starts a detached helper beside the service's running container (same image, same network namespace). */
export async function startHelperBeside(stack: Stack, service: string, spec: HelperSpec): Promise<string> {
  const target = await runningServiceContainer(stack, service);
  const { docker, endpoint } = getDocker(stack);
  try {
    const info = await docker.getContainer(target.id).inspect();
    const c = await docker.createContainer({
      name: spec.name,
      Image: info.Image,
      Entrypoint: spec.entrypoint ?? [spec.cmd[0]],
      Cmd: spec.entrypoint ? spec.cmd : spec.cmd.slice(1),
      Env: env(spec.env),
      User: spec.user,
      Labels: { [HELPER_LABEL]: stack.name, [HELPER_ROLE_LABEL]: spec.role },
      HostConfig: { NetworkMode: `container:${target.id}`, Binds: spec.binds, CpuShares: spec.cpuShares },
    });
    await c.start();
    return c.id;
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.startHelper', { role: spec.role, stack: stack.name }));
  }
}

/** Starts a throwaway container of the service's image with no network at all. */
export async function startIsolatedHelper(stack: Stack, service: string, spec: HelperSpec): Promise<string> {
  const target = await runningServiceContainer(stack, service);
  const { docker, endpoint } = getDocker(stack);
  try {
    const info = await docker.getContainer(target.id).inspect();
    const c = await docker.createContainer({
      name: spec.name,
      Image: info.Image,
      Entrypoint: spec.entrypoint,
      Cmd: spec.cmd,
      Env: env(spec.env),
      User: spec.user,
      Labels: { [HELPER_LABEL]: stack.name, [HELPER_ROLE_LABEL]: spec.role },
      HostConfig: { NetworkMode: 'none', Binds: spec.binds, NanoCpus: info.HostConfig?.NanoCpus || undefined, Memory: info.HostConfig?.Memory || undefined },
    });
    await c.start();
    return c.id;
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.startHelper', { role: spec.role, stack: stack.name }));
  }
}

export async function listHelpers(stack: Stack, role: string): Promise<HelperInfo[]> {
  const { docker, endpoint } = getDocker(stack);
  try {
    const found = await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=${stack.name}`, `${HELPER_ROLE_LABEL}=${role}`] } });
    return await Promise.all(found.map(async (c) => {
      const info = await docker.getContainer(c.Id).inspect();
      const started = info.State.StartedAt && !info.State.StartedAt.startsWith('0001') ? info.State.StartedAt : null;
      return { id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), running: c.State === 'running', startedAt: started };
    }));
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.listHelpers', { role, stack: stack.name }));
  }
}

/** Removes a helper (killing it first when it runs). Gone already is fine. */
export async function removeHelper(id: string, stack?: EngineOwner): Promise<void> {
  const { docker, endpoint } = getDocker(stack);
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return;
    throw dockerError(e, endpoint.label, say('errors.docker.doing.removeHelper', { id: id.slice(0, 12) }));
  }
}

/** The last lines a helper wrote (stdout and stderr), for "why did the receiver stop". */
export async function helperLogs(id: string, tail = 20, stack?: EngineOwner): Promise<string> {
  const { docker } = getDocker(stack);
  try {
    const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
    // Multiplexed frames (no TTY): strip their 8-byte headers.
    return Buffer.concat(unframe(buf)).toString('utf8').trim();
  } catch {
    return '';
  }
}

/** Runs a command inside a helper container (by id). A non-zero exit is a result, not an error. */
export async function execInHelper(id: string, opts: ExecOptions, stack?: EngineOwner): Promise<ExecResult> {
  const { docker, endpoint } = getDocker(stack);
  const target = docker.getContainer(id);
  let socket: Duplex;
  let exec;
  try {
    exec = await target.exec({ Cmd: opts.cmd, Env: env(opts.env), AttachStdin: Boolean(opts.stdin), AttachStdout: true, AttachStderr: true, Tty: false });
    socket = (await exec.start({ hijack: true, stdin: Boolean(opts.stdin) })) as unknown as Duplex;
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.runInHelper', { command: opts.cmd[0], id: id.slice(0, 12) }));
  }
  const demux = new Demux(opts.stdout, opts.maxCapture ?? 1024 * 1024);
  await pump(socket, demux, opts.stdin, opts.signal);
  let exitCode = -1;
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) {
      exitCode = info.ExitCode;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { exitCode, ...demux.output(), container: id.slice(0, 12) };
}

/** Exit state of a helper: null while it runs. */
export async function helperExit(id: string, stack?: EngineOwner): Promise<{ exitCode: number } | null> {
  const { docker } = getDocker(stack);
  const info = await docker.getContainer(id).inspect();
  return info.State.Running ? null : { exitCode: info.State.ExitCode };
}

/** A running helper's container killed hard (tests of "the receiver died"; never used by jobs). */
export async function killHelper(id: string, stack?: EngineOwner): Promise<void> {
  const { docker } = getDocker(stack);
  await docker.getContainer(id).kill({ signal: 'SIGKILL' });
}

/**
 * Runs a one-shot helper beside the service to its end (pg_basebackup into the backup folder) and
 * removes it; returns its exit code and last output lines. Aborting the signal removes it at once.
 */
export async function runHelperToEnd(stack: Stack, service: string, spec: HelperSpec, signal?: AbortSignal): Promise<{ exitCode: number; output: string }> {
  const id = await startHelperBeside(stack, service, spec);
  const { docker, endpoint } = getDocker(stack);
  const onAbort = () => void removeHelper(id, stack).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = (await docker.getContainer(id).wait()) as { StatusCode: number };
    return { exitCode: r.StatusCode, output: await helperLogs(id, 40, stack) };
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.waitHelper', { role: spec.role, stack: stack.name }));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await removeHelper(id, stack).catch(() => undefined);
  }
}
