import type { Stack } from '@/lib/stacks/types';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { getDocker, type EngineOwner } from './client';
import { dockerError } from './errors';
import { listContainersInStack } from './containers';

/** What an upgrade needs to know about an image: what to pin, what to show, what to roll back to. */
export interface ImageInfo {
  /** Immutable local id (sha256:…): what a rollback pins, since a tag can be moved. */
  id: string;
  tags: string[];
  /** repo@sha256 digests, present for pulled images; locally built ones have none. */
  repoDigests: string[];
  /** The `org.opencontainers.image.version` label, when the image declares its version. */
  version: string | null;
  createdAt: string;
}

export const VERSION_LABEL = 'org.opencontainers.image.version';

/** Splits "repo[:tag]" (registry ports contain ':' too, so only a ':' after the last '/' counts). */
export function splitImageRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

export async function inspectImage(ref: string, stack?: EngineOwner): Promise<ImageInfo | null> {
  const { docker, endpoint } = getDocker(stack);
  try {
    const i = await docker.getImage(ref).inspect();
    return { id: i.Id, tags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], version: i.Config?.Labels?.[VERSION_LABEL] ?? null, createdAt: i.Created };
  } catch (e) {
    const err = dockerError(e, endpoint.label, say('errors.docker.doing.inspectImage', { ref }));
    if (err.code === 'not_found') return null;
    throw err;
  }
}

/** Local tags of one repository, newest first: the upgrade targets that need no registry. */
export async function listLocalTags(repo: string, stack?: EngineOwner): Promise<{ tag: string; image: ImageInfo }[]> {
  const { docker, endpoint } = getDocker(stack);
  let images;
  try {
    images = await docker.listImages({ filters: { reference: [repo] } });
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.listImages', { repo }));
  }
  const out: { tag: string; image: ImageInfo }[] = [];
  for (const img of images.sort((a, b) => b.Created - a.Created)) {
    for (const t of img.RepoTags ?? []) {
      const { repo: r, tag } = splitImageRef(t);
      if (r !== repo) continue;
      out.push({
        tag,
        image: { id: img.Id, tags: img.RepoTags ?? [], repoDigests: img.RepoDigests ?? [], version: img.Labels?.[VERSION_LABEL] ?? null, createdAt: new Date(img.Created * 1000).toISOString() },
      });
    }
  }
  return out;
}

/** Pulls an image, reporting Docker's progress lines; a registry failure becomes a plain message. */
export async function pullImage(ref: string, onLine: (text: string) => void, signal?: AbortSignal, stack?: EngineOwner): Promise<void> {
  const { docker, endpoint } = getDocker(stack);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(ref, { abortSignal: signal });
  } catch (e) {
    const err = dockerError(e, endpoint.label, say('errors.docker.doing.pull', { ref }));
    throw new OpsdeckError('not_found', say('errors.images.notProvided', { ref }), { detail: err.detail, cause: e });
  }
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err) => (err ? reject(new OpsdeckError('not_found', say('errors.images.pullFailed', { ref }), { detail: String(err), cause: err })) : resolve()),
      (ev: { status?: string; id?: string; error?: string }) => {
        if (ev.status && !ev.status.startsWith('Downloading') && !ev.status.startsWith('Extracting')) onLine(`${ev.id ? `${ev.id}: ` : ''}${ev.status}`);
      },
    );
  });
}

/**
 * The image the service's container runs now: the configured reference (what compose asked for)
 * and the image id it resolved to. Found through the stack's labels like everything else.
 */
export async function runningImageOf(stack: Stack, service: string): Promise<{ ref: string; image: ImageInfo } | null> {
  const { endpoint } = getDocker(stack);
  try {
    const list = await listContainersInStack(stack, { service, doing: () => say('errors.docker.doing.readImage', { service }) });
    const c = list.sort((a, b) => b.Created - a.Created)[0];
    if (!c) return null;
    const image = await inspectImage(c.ImageID, stack);
    return image ? { ref: c.Image, image } : null;
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.readImage', { service }));
  }
}

export type RegistryAnswer = { ok: true; digest: string | null } | { ok: false; reason: string };

/**
 * Whether a registry can provide `ref`, without downloading it: the engine's distribution inspect
 * (the manifest only, with the engine's own registry credentials). Bounded by `timeoutMs` because a
 * registry behind a black-holed route would otherwise hold a pre-flight check for minutes.
 */
export async function registryResolves(ref: string, timeoutMs = 5000, stack?: EngineOwner): Promise<RegistryAnswer> {
  const { docker, endpoint } = getDocker(stack);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<RegistryAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `the registry did not answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
  });
  const asked = docker
    .getImage(ref)
    .distribution()
    .then(
      (d): RegistryAnswer => ({ ok: true, digest: d.Descriptor?.digest ?? null }),
      (e): RegistryAnswer => {
        const err = dockerError(e, endpoint.label, say('errors.docker.doing.askRegistry', { ref }));
        // The engine's own words ("manifest unknown", "no such host") say which of tag or network is wrong.
        return { ok: false, reason: err.code === 'docker_unavailable' && err.message.startsWith('Docker is not reachable') ? err.message : (err.detail ?? err.message) };
      },
    );
  try {
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where the engine keeps images and containers (`docker info` DockerRootDir), when that path is on
 * this machine: only a local socket means the engine's filesystem is ours to measure.
 */
export async function localDockerRoot(stack?: EngineOwner): Promise<string | null> {
  const { docker, endpoint } = getDocker(stack);
  if (!endpoint.label.startsWith('unix://')) return null;
  try {
    const info = (await docker.info()) as { DockerRootDir?: string };
    return info.DockerRootDir ?? null;
  } catch {
    return null;
  }
}
