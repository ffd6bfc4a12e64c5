/**
 * A stack's named volumes, read and written through the engine only — never through the host path,
 * which Opsdeck may not see (another host, another mount namespace). Reading: a helper container is
 * created, never started, with the volume mounted read-only, and the engine's archive endpoint
 * (`docker cp`'s) streams the volume as tar. Writing: the same into a new volume, mounted
 * read-write. The helper runs the stack's database image (or the app's), already on the host: no
 * pull. The swap of data between volumes needs `cp`, so it alone starts a helper.
 */
import type { Readable } from 'node:stream';
import type { Stack } from '@/lib/stacks/types';
import { HELPER_LABEL } from './beside';
import { getDocker, type EngineOwner } from './client';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import { unframe } from './frames';
import { serviceContainers } from './service-containers';

/** Where a helper mounts the volume; archive entries are named `volume/…`. */
export const VOLUME_MOUNT = '/volume';

/** The engine's name of compose volume `volume` of the stack (`<project>_<volume>`, found by its labels). */
export async function stackVolumeName(stack: Stack, volume: string): Promise<string> {
  const { docker, endpoint } = getDocker(stack);
  try {
    const { Volumes } = await docker.listVolumes({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${stack.projectName}`, `com.docker.compose.volume=${volume}`] }),
    });
    if (Volumes?.[0]) return Volumes[0].Name;
    // A volume declared `external` carries no compose labels: its name is the one given.
    await docker.getVolume(volume).inspect();
    return volume;
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.lookupVolume', { volume, stack: stack.name }));
  }
}

/** An image already on the host that has `sh` and `cp`: the database service's, else the app's. */
export async function helperImage(stack: Stack): Promise<string> {
  for (const service of [stack.database?.service, stack.app?.service]) {
    if (!service) continue;
    const [c] = await serviceContainers(stack, service);
    if (c) {
      const info = await getDocker(stack).docker.getContainer(c.id).inspect();
      return info.Image;
    }
  }
  throw new Error(`stack "${stack.name}" has no container whose image could read its volumes`);
}

async function helper(stack: Stack, image: string, binds: string[], cmd?: string[]) {
  return getDocker(stack).docker.createContainer({
    Image: image,
    Entrypoint: cmd ? [cmd[0]] : ['true'],
    Cmd: cmd ? cmd.slice(1) : [],
    Labels: { [HELPER_LABEL]: stack.name },
    NetworkDisabled: true,
    HostConfig: { Binds: binds, NetworkMode: 'none' },
  });
}

/** Hands `volume` (engine name) as a tar stream to `consume`; the helper is removed afterwards. */
export async function readVolumeArchive(stack: Stack, volume: string, image: string, consume: (tar: Readable) => Promise<void>): Promise<void> {
  const { endpoint } = getDocker(stack);
  const doing = () => say('errors.docker.doing.readVolume', { volume, stack: stack.name });
  let c;
  try {
    let tar: Readable;
    try {
      c = await helper(stack, image, [`${volume}:${VOLUME_MOUNT}:ro`]);
      tar = (await c.getArchive({ path: VOLUME_MOUNT })) as unknown as Readable;
    } catch (e) {
      throw dockerError(e, endpoint.label, doing());
    }
    // The consumer's own failures (a full disk) reach the caller as they are.
    await consume(tar);
  } finally {
    await c?.remove({ force: true }).catch(() => undefined);
  }
}

/** Creates an empty volume labelled as Opsdeck's (for the stack), with `labels` besides. */
export async function createVolume(stack: Stack, name: string, labels: Record<string, string> = {}): Promise<void> {
  const { docker, endpoint } = getDocker(stack);
  try {
    await docker.createVolume({ Name: name, Labels: { [HELPER_LABEL]: stack.name, ...labels } });
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.createVolume', { volume: name }));
  }
}

export async function removeVolume(name: string, stack?: EngineOwner): Promise<void> {
  const { docker, endpoint } = getDocker(stack);
  try {
    await docker.getVolume(name).remove();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return;
    throw dockerError(e, endpoint.label, say('errors.docker.doing.removeVolume', { volume: name }));
  }
}

/** Volumes Opsdeck made for the stack whose names start with `prefix`. */
export async function listHelperVolumes(stack: Stack, prefix: string): Promise<string[]> {
  const { docker, endpoint } = getDocker(stack);
  try {
    const { Volumes } = await docker.listVolumes({ filters: JSON.stringify({ label: [`${HELPER_LABEL}=${stack.name}`] }) });
    return (Volumes ?? []).map((v) => v.Name).filter((n) => n.startsWith(prefix)).sort();
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.listVolumes', { stack: stack.name }));
  }
}

/** Unpacks a tar stream (entries `volume/…`) into `volume` (engine name) through a never-started helper. */
export async function writeVolumeArchive(stack: Stack, volume: string, image: string, tar: Readable): Promise<void> {
  const { endpoint } = getDocker(stack);
  let c;
  try {
    c = await helper(stack, image, [`${volume}:${VOLUME_MOUNT}`]);
    await c.putArchive(tar, { path: '/' });
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.writeVolume', { volume }));
  } finally {
    await c?.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Runs `cmd` (an argument array) in a helper with `mounts` (volume → path) and waits for it.
 * Used for the copy between volumes of a swap; the output is kept for the error message.
 */
export async function runWithVolumes(stack: Stack, image: string, mounts: Record<string, string>, cmd: string[]): Promise<{ exitCode: number; output: string }> {
  const { endpoint } = getDocker(stack);
  let c;
  try {
    c = await helper(stack, image, Object.entries(mounts).map(([v, at]) => `${v}:${at}`), cmd);
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return { exitCode: StatusCode, output: Buffer.concat(unframe(logs)).toString('utf8').slice(-4000) };
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.copyVolumes', { stack: stack.name }));
  } finally {
    await c?.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * The cgroup freezer can answer a busy machine with a 500 ("freezer not ready", a timeout while
 * the container's processes are mid-fork); the same request a moment later goes through.
 */
async function freezerRetry<T>(call: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (i >= tries || (e as { statusCode?: number }).statusCode !== 500) throw e;
      await new Promise((r) => setTimeout(r, 250 * i));
    }
  }
}

/** Pauses (or unpauses) every running container of the service; returns how many. */
export async function pauseService(stack: Stack, service: string, pause: boolean): Promise<number> {
  const { docker, endpoint } = getDocker(stack);
  const targets = (await serviceContainers(stack, service)).filter((c) => (pause ? c.state === 'running' : c.state === 'paused'));
  try {
    await Promise.all(targets.map((c) => freezerRetry(() => (pause ? docker.getContainer(c.id).pause() : docker.getContainer(c.id).unpause()))));
  } catch (e) {
    throw dockerError(e, endpoint.label, pause ? say('errors.docker.doing.pauseService', { service, stack: stack.name }) : say('errors.docker.doing.unpauseService', { service, stack: stack.name }));
  }
  return targets.length;
}
