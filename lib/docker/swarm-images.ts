/**
 * What the deploy tab shows of a Swarm stack's app image: the image in the service's spec on the
 * manager (what every task is meant to run, the current tag), the image each of its tasks runs
 * (slot@node → image: during and after a rolling update they differ), and the tags of its repository
 * that the nodes already have. Images live per node on Swarm, so each node's own engine is asked
 * (opsdeck.yaml `swarm.nodes`, the manager's for its own node), as the upgrade's pre-flight does.
 */
import type Docker from 'dockerode';
import type { Stack } from '@/lib/stacks/types';
import { dockerError } from './errors';
import { say } from '@/lib/i18n/server-text';
import { splitImageRef, VERSION_LABEL, type ImageInfo } from './images';
import { dockerAt, swarmManager, swarmSnapshot, toNode } from './swarm';
import { swarmServiceState } from './swarm-update';

/** One task of the service and the image it runs. */
export interface SwarmTaskImage {
  /** Replica number (memos.1); null for a global service's task. */
  slot: number | null;
  node: string;
  image: string;
  state: string;
}

export interface SwarmServiceImage {
  /** The spec's image, without a digest pin: what a rolling update last set. */
  ref: string;
  /** The image as a node that has it describes it; null when no node Opsdeck can ask has it. */
  image: ImageInfo | null;
  /** The current tasks (desired running), by slot. */
  tasks: SwarmTaskImage[];
}

type RawNode = Parameters<typeof toNode>[0];

/** The engines Opsdeck can ask, by node host name: the manager's for its own node, swarm.nodes for the others. */
export async function swarmNodeEngines(stack: Stack): Promise<{ node: string; docker: Docker; label: string }[]> {
  const manager = swarmManager(stack);
  const [info, raw] = await Promise.all([manager.docker.info() as Promise<{ Swarm?: { NodeID?: string } }>, manager.docker.listNodes() as Promise<RawNode[]>]);
  const out: { node: string; docker: Docker; label: string }[] = [];
  for (const n of raw.map(toNode).filter((x) => x.state === 'ready')) {
    const address = n.id === info.Swarm?.NodeID ? stack.swarm!.manager : stack.swarm?.nodes?.[n.hostname];
    if (!address) continue;
    const { docker, endpoint } = dockerAt(address);
    out.push({ node: n.hostname, docker, label: endpoint.label });
  }
  return out.sort((a, b) => a.node.localeCompare(b.node));
}

async function inspectOn(e: { docker: Docker; label: string }, ref: string): Promise<ImageInfo | null> {
  try {
    const i = await e.docker.getImage(ref).inspect();
    return { id: i.Id, tags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], version: i.Config?.Labels?.[VERSION_LABEL] ?? null, createdAt: i.Created };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw dockerError(err, e.label, say('errors.docker.doing.inspectImage', { ref }));
  }
}

/** The tasks that are meant to run now (desired running), by slot: which image each one runs, where. */
export async function swarmTaskImages(stack: Stack, service: string): Promise<SwarmTaskImage[]> {
  const svc = (await swarmSnapshot(stack)).services.find((s) => s.name === service);
  if (!svc) return [];
  return svc.tasks
    .filter((t) => t.desiredState === 'running')
    .map((t) => ({ slot: t.slot, node: t.node, image: t.image, state: t.state }))
    .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || a.node.localeCompare(b.node));
}

/** The service's image from its spec on the manager, described by the first node that has it, and its tasks. */
export async function swarmServiceImage(stack: Stack, service: string): Promise<SwarmServiceImage> {
  const [state, tasks, engines] = await Promise.all([swarmServiceState(stack, service), swarmTaskImages(stack, service), swarmNodeEngines(stack)]);
  let image: ImageInfo | null = null;
  for (const e of engines) {
    image = await inspectOn(e, state.image).catch(() => null);
    if (image) break;
  }
  return { ref: state.image, image, tasks };
}

/** The tags of `repo` present on the nodes, newest first, each with the nodes that have it. */
export async function listSwarmLocalTags(stack: Stack, repo: string): Promise<{ tag: string; image: ImageInfo; nodes: string[] }[]> {
  const byTag = new Map<string, { tag: string; image: ImageInfo; nodes: string[] }>();
  for (const e of await swarmNodeEngines(stack)) {
    let images: Docker.ImageInfo[];
    try {
      images = await e.docker.listImages({ filters: { reference: [repo] } });
    } catch (err) {
      throw dockerError(err, e.label, say('errors.docker.doing.listImagesOnNode', { repo, node: e.node }));
    }
    for (const img of images) {
      for (const t of img.RepoTags ?? []) {
        const { repo: r, tag } = splitImageRef(t);
        if (r !== repo) continue;
        const had = byTag.get(tag);
        if (had) {
          had.nodes.push(e.node);
          continue;
        }
        const image = { id: img.Id, tags: img.RepoTags ?? [], repoDigests: img.RepoDigests ?? [], version: img.Labels?.[VERSION_LABEL] ?? null, createdAt: new Date(img.Created * 1000).toISOString() };
        byTag.set(tag, { tag, image, nodes: [e.node] });
      }
    }
  }
  return [...byTag.values()].sort((a, b) => b.image.createdAt.localeCompare(a.image.createdAt));
}

/** The manager's engine: its address as shown and its version, null when it does not answer. */
export async function swarmManagerEngine(stack: Stack): Promise<{ label: string; version: string } | null> {
  const { docker, endpoint } = swarmManager(stack);
  try {
    const v = (await docker.version()) as { Version?: string };
    return { label: endpoint.label, version: v.Version ?? 'unknown' };
  } catch {
    return null;
  }
}

/** What the Swarm pre-flight asks of the manager: its engine and API versions, and whether it manages a swarm. */
export type SwarmManagerInfo =
  | { ok: true; label: string; version: string; apiVersion: string; manager: boolean; nodeState: string; nodes: number; managers: number }
  | { ok: false; label: string; error: string };

export async function swarmManagerInfo(stack: Stack): Promise<SwarmManagerInfo> {
  const { docker, endpoint } = swarmManager(stack);
  try {
    const [v, info] = await Promise.all([
      docker.version() as Promise<{ Version?: string; ApiVersion?: string }>,
      docker.info() as Promise<{ Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; Nodes?: number; Managers?: number } }>,
    ]);
    const s = info.Swarm ?? {};
    return {
      ok: true, label: endpoint.label, version: v.Version ?? 'unknown', apiVersion: v.ApiVersion ?? '0.0',
      manager: s.ControlAvailable === true, nodeState: s.LocalNodeState ?? 'inactive', nodes: s.Nodes ?? 0, managers: s.Managers ?? 0,
    };
  } catch (e) {
    const err = dockerError(e, endpoint.label, say('errors.docker.doing.askManager'));
    return { ok: false, label: endpoint.label, error: err.message };
  }
}
