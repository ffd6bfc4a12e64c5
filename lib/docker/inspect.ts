/**
 * What Docker knows about each container of a stack, beyond the listing: restarts, last exit,
 * OOM kill, health log, image identity, networking. Environment variables never leave this file
 * (they hold the stack's secrets); only PATH is read, to look for a healthcheck's binaries.
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { getDocker } from './client';
import { assertInStack, labelsFor, stackContainers } from './containers';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import type { HealthState, InstanceState } from './types';

const VERSION_LABEL_KEY = 'org.opencontainers.image.version';

export interface HealthLogEntry {
  at: string;
  exitCode: number;
  /** Output of the check, cut to 500 characters. Not masked here: callers redact the stack's secrets. */
  output: string;
}

export interface PublishedPort {
  containerPort: string;
  hostIp: string;
  hostPort: string;
}

export interface ImageIdentity {
  /** What the container was created from, e.g. "opsdeck/demo-app:1.0.0". */
  ref: string;
  /** Local image ID (sha256 of its config): identifies the exact image even without a registry. */
  id: string;
  /** Registry digest (repo@sha256:…) when the image was pulled or pushed; null for a local build. */
  digest: string | null;
  /** The image's org.opencontainers.image.version label. */
  version: string | null;
}

export interface ContainerDetail {
  id: string;
  name: string;
  service: string;
  state: InstanceState;
  health: HealthState;
  healthLog: HealthLogEntry[];
  failingStreak: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  restartCount: number;
  /** Exit code of the last run; null while it has never stopped. */
  exitCode: number | null;
  oomKilled: boolean;
  /** Docker's own error for the last start attempt (e.g. a missing mount). */
  error: string | null;
  image: ImageIdentity;
  networkMode: string;
  ports: PublishedPort[];
  restartPolicy: string;
  /** The effective healthcheck (compose's, else the image's): ["CMD", …] or ["CMD-SHELL", "…"]; null when none. */
  healthcheck: string[] | null;
}

const STATES: InstanceState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const ZERO_TIME = '0001-01-01T00:00:00Z';
const time = (t: string | undefined) => (t && t !== ZERO_TIME ? new Date(t).toISOString() : null);

// Image facts never change for an ID, so one inspect per image per process is enough.
const imageCache = new Map<string, { digest: string | null; version: string | null }>();

async function imageFacts(docker: Docker, id: string): Promise<{ digest: string | null; version: string | null }> {
  const hit = imageCache.get(id);
  if (hit) return hit;
  try {
    const info = await docker.getImage(id).inspect();
    const facts = { digest: info.RepoDigests?.[0] ?? null, version: info.Config?.Labels?.[VERSION_LABEL_KEY] ?? null };
    imageCache.set(id, facts);
    return facts;
  } catch {
    // A removed image (the container keeps running) still has a known ID; the rest is unknown.
    return { digest: null, version: null };
  }
}

function healthOf(info: Docker.ContainerInspectInfo): HealthState {
  const s = info.State.Health?.Status;
  return s === 'healthy' || s === 'unhealthy' || s === 'starting' ? s : 'none';
}

function portsOf(info: Docker.ContainerInspectInfo): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [containerPort, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    for (const b of bindings ?? []) out.push({ containerPort, hostIp: b.HostIp, hostPort: b.HostPort });
  }
  return out;
}

async function toDetail(docker: Docker, stack: Stack, info: Docker.ContainerInspectInfo): Promise<ContainerDetail> {
  const s = info.State;
  const health = s.Health as undefined | { FailingStreak?: number; Log?: { End: string; ExitCode: number; Output: string }[] };
  const facts = await imageFacts(docker, info.Image);
  const test = (info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    service: info.Config.Labels?.[labelsFor(stack).service] ?? '(unknown)',
    state: (STATES as string[]).includes(s.Status) ? (s.Status as InstanceState) : 'unknown',
    health: healthOf(info),
    healthLog: (health?.Log ?? []).slice(-3).map((l) => ({ at: new Date(l.End).toISOString(), exitCode: l.ExitCode, output: l.Output.trim().slice(0, 500) })),
    failingStreak: health?.FailingStreak ?? 0,
    createdAt: new Date(info.Created).toISOString(),
    startedAt: time(s.StartedAt),
    finishedAt: time(s.FinishedAt),
    restartCount: info.RestartCount ?? 0,
    exitCode: time(s.FinishedAt) ? s.ExitCode : null,
    oomKilled: Boolean(s.OOMKilled),
    error: s.Error || null,
    image: { ref: info.Config.Image, id: info.Image, ...facts },
    networkMode: info.HostConfig.NetworkMode ?? 'default',
    ports: portsOf(info),
    restartPolicy: info.HostConfig.RestartPolicy?.Name || 'no',
    // ["NONE"] disables an image's healthcheck.
    healthcheck: test && test.length > 0 && test[0] !== 'NONE' ? test : null,
  };
}

/** Every container carrying the stack's project label, inspected. */
export async function inspectStackContainers(stack: Stack): Promise<ContainerDetail[]> {
  const { docker, endpoint } = getDocker(stack);
  const listed = await stackContainers(stack);
  const details = await Promise.all(
    listed.map(async (c) => {
      try {
        return await toDetail(docker, stack, await docker.getContainer(c.Id).inspect());
      } catch (e) {
        // Removed between the listing and the inspect: it is simply gone.
        if ((e as { statusCode?: number }).statusCode === 404) return null;
        throw dockerError(e, endpoint.label, say('errors.docker.doing.inspectContainers', { stack: stack.name }));
      }
    }),
  );
  return details.filter((d): d is ContainerDetail => d !== null).sort((a, b) => a.name.localeCompare(b.name));
}

export interface PathStat {
  exists: boolean;
  /** Where a symlink points (absolute inside the container), e.g. /bin/sh → /usr/bin/dash. */
  linkTarget: string | null;
}

/** The container's inspect data, after checking it carries the stack's project label (as resolveStackContainer does). */
async function inspectInStack(stack: Stack, containerId: string): Promise<Docker.ContainerInspectInfo> {
  const { docker, endpoint } = getDocker(stack);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(containerId).inspect();
  } catch (e) {
    throw dockerError(e, endpoint.label, say('errors.docker.doing.lookupContainer'));
  }
  assertInStack(stack, info.Config.Labels);
  return info;
}

async function stat(stack: Stack, containerId: string, filePath: string): Promise<PathStat> {
  const { docker, endpoint } = getDocker(stack);
  try {
    const res = (await docker.getContainer(containerId).infoArchive({ path: filePath })) as { headers: Record<string, string>; resume?: () => void };
    res.resume?.();
    const raw = res.headers['x-docker-container-path-stat'];
    const parsed = raw ? (JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { linkTarget?: string }) : {};
    return { exists: true, linkTarget: parsed.linkTarget || null };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return { exists: false, linkTarget: null };
    throw dockerError(e, endpoint.label, say('errors.docker.doing.lookForFile', { path: filePath, stack: stack.name }));
  }
}

/**
 * Looks at a path inside a container's filesystem without running anything in it (the archive
 * API's HEAD), so it works on stopped containers and on images that have no shell or `which`.
 */
export async function statInContainer(stack: Stack, containerId: string, filePath: string): Promise<PathStat> {
  await inspectInStack(stack, containerId);
  return stat(stack, containerId, filePath);
}

/**
 * Where each of `bins` would be found on the container's PATH (null: nowhere), following
 * symlinks so a dangling link does not count. Absolute names are checked as they are.
 */
export async function findBinaries(stack: Stack, containerId: string, bins: string[]): Promise<Map<string, string | null>> {
  const info = await inspectInStack(stack, containerId);
  const pathVar = (info.Config.Env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const dirs = pathVar.split(':').filter(Boolean).map((d) => d.replace(/\/$/, ''));
  const found = new Map<string, string | null>();
  for (const bin of new Set(bins)) {
    found.set(bin, null);
    for (const candidate of bin.includes('/') ? [bin] : dirs.map((d) => `${d}/${bin}`)) {
      if (await resolves(stack, containerId, candidate)) {
        found.set(bin, candidate);
        break;
      }
    }
  }
  return found;
}

async function resolves(stack: Stack, containerId: string, file: string): Promise<boolean> {
  let current = file;
  for (let hop = 0; hop < 8; hop++) {
    const s = await stat(stack, containerId, current);
    if (!s.exists) return false;
    if (!s.linkTarget) return true;
    current = s.linkTarget.startsWith('/') ? s.linkTarget : `${current.replace(/\/[^/]*$/, '')}/${s.linkTarget}`;
  }
  return false;
}
