/**
 * What the upgrade form offers: the app image's tags on this host (as before) and in its registry,
 * with their dates, the running one and the newer ones marked. A typed tag is still accepted; a
 * registry that cannot be asked is said, not fatal.
 */
import { listLocalTags, splitImageRef, type ImageInfo } from '@/lib/docker';
import { userMessageOf } from '@/lib/errors';
import { registryTags } from '@/lib/registry';
import { compareVersions } from './migrations';

export interface TagChoice {
  tag: string;
  created: string | null;
  version: string | null;
  local: boolean;
  registry: boolean;
  running: boolean;
  newer: boolean;
  /** Swarm: the nodes that have this tag (images live per node; a node without it pulls it). */
  nodes?: string[];
}

const NUMERIC = /^v?\d+(\.\d+)*$/;

/** OPSDECK_REGISTRY_LOOKUP=off keeps Opsdeck from calling registries (an air-gapped host, tests). */
export const registryLookupOn = (env: Readonly<Record<string, string | undefined>> = process.env) => env.OPSDECK_REGISTRY_LOOKUP !== 'off';

function isNewer(t: { tag: string; created: string | null }, running: { tag: string; created: string | null }): boolean {
  if (t.tag === running.tag) return false;
  if (t.created && running.created) return Date.parse(t.created) > Date.parse(running.created);
  return NUMERIC.test(t.tag) && NUMERIC.test(running.tag) && compareVersions(t.tag.replace(/^v/, ''), running.tag.replace(/^v/, '')) > 0;
}

type LocalTags = (repo: string) => Promise<{ tag: string; image: ImageInfo; nodes?: string[] }[]>;

/**
 * `localTags` says where the local images are: this host's engine by default, the nodes of a Swarm
 * stack (lib/docker/swarm-images.ts) for `runtime: swarm`. `current.image` may be null on Swarm when
 * no node Opsdeck can ask has the running image: "newer" is then decided by the tags alone.
 */
export async function upgradeTagChoices(current: { ref: string; image: ImageInfo | null }, localTags: LocalTags = listLocalTags): Promise<{ tags: TagChoice[]; registryError: string | null }> {
  const { repo, tag: runningTag } = splitImageRef(current.ref);
  const [local, remote] = await Promise.all([
    localTags(repo).catch(() => []),
    registryLookupOn() ? registryTags(repo).then((tags) => ({ tags, error: null }), (e) => ({ tags: [], error: userMessageOf(e) })) : Promise.resolve({ tags: [], error: null }),
  ]);
  const byTag = new Map<string, TagChoice>();
  for (const l of local) byTag.set(l.tag, { tag: l.tag, created: l.image.createdAt, version: l.image.version, local: true, registry: false, running: false, newer: false, ...(l.nodes ? { nodes: l.nodes } : {}) });
  for (const r of remote.tags) {
    const had = byTag.get(r.tag);
    byTag.set(r.tag, had ? { ...had, registry: true, created: had.created ?? r.created } : { tag: r.tag, created: r.created, version: null, local: false, registry: true, running: false, newer: false });
  }
  const running = { tag: runningTag, created: current.image?.createdAt ?? null };
  const tags = [...byTag.values()].map((t) => ({ ...t, running: t.tag === runningTag, newer: isNewer(t, running) }));
  tags.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || b.tag.localeCompare(a.tag, undefined, { numeric: true }));
  return { tags, registryError: remote.error };
}
