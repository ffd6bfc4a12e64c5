/**
 * The one adapter for container registries (Docker Registry HTTP API v2): the tags of a
 * repository (`/v2/<name>/tags/list`, following `Link` pages) and each tag's creation date, read
 * from its image config blob (`created`) through its manifest (an index resolves to linux/amd64,
 * else its first entry). Anonymous pulls only, with the token dance Docker Hub and GHCR require.
 * Loopback registries are spoken to over plain HTTP, as the engine does (127.0.0.0/8 is insecure
 * by default there too); every other one over HTTPS.
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';

export interface RegistryTag {
  tag: string;
  /** The image config's `created`, ISO; null when the registry would not say. */
  created: string | null;
  digest: string | null;
}

export interface ImageRepo {
  registry: string;
  /** Repository path inside the registry (library/… for Docker Hub's official images). */
  name: string;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** `repo` as the engine reads it: a first part with a dot, a colon or "localhost" is a registry host. */
export function parseRepo(repo: string): ImageRepo {
  const [first, ...rest] = repo.split('/');
  if (rest.length && (first.includes('.') || first.includes(':') || first === 'localhost')) return { registry: first, name: rest.join('/') };
  return { registry: 'registry-1.docker.io', name: rest.length ? repo : `library/${repo}` };
}

function baseUrl(registry: string): string {
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

class Client {
  private token: string | null = null;
  constructor(private readonly repo: ImageRepo, private readonly signal: AbortSignal) {}

  /** A Bearer challenge is answered once with an anonymous pull token, then the call is retried. */
  async get(path: string, accept?: string): Promise<Response> {
    const url = path.startsWith('http') ? path : `${baseUrl(this.repo.registry)}${path}`;
    const call = () => fetch(url, { headers: { ...(accept ? { accept } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) }, signal: this.signal, redirect: 'follow' });
    let res = await call();
    const challenge = res.headers.get('www-authenticate');
    if (res.status === 401 && challenge && !this.token) {
      await res.body?.cancel();
      this.token = await this.fetchToken(challenge);
      res = await call();
    }
    return res;
  }

  private async fetchToken(challenge: string): Promise<string> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!/^bearer/i.test(challenge) || !params.realm) throw new OpsdeckError('forbidden', say('errors.registry.needsCredentials'));
    const u = new URL(params.realm);
    if (params.service) u.searchParams.set('service', params.service);
    u.searchParams.set('scope', params.scope ?? `repository:${this.repo.name}:pull`);
    const res = await fetch(u, { signal: this.signal });
    if (!res.ok) throw new OpsdeckError('forbidden', say('errors.registry.tokenRefused', { status: String(res.status) }));
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new OpsdeckError('forbidden', say('errors.registry.noToken'));
    return token;
  }
}

async function listTags(c: Client, name: string): Promise<string[]> {
  const tags: string[] = [];
  let next: string | null = `/v2/${name}/tags/list?n=1000`;
  for (let page = 0; next && page < 20; page++) {
    const res = await c.get(next);
    if (res.status === 404) throw new OpsdeckError('not_found', say('errors.registry.noRepo', { name }));
    if (!res.ok) throw new OpsdeckError('conflict', say('errors.registry.tagListStatus', { status: String(res.status) }));
    const body = (await res.json()) as { tags?: string[] | null };
    tags.push(...(body.tags ?? []));
    const link = res.headers.get('link');
    const m = link ? /<([^>]+)>;\s*rel="next"/.exec(link) : null;
    next = m ? m[1] : null;
  }
  return tags;
}

interface Manifest {
  mediaType?: string;
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
  config?: { digest: string };
}

async function createdOf(c: Client, name: string, tag: string): Promise<{ created: string | null; digest: string | null }> {
  let res = await c.get(`/v2/${name}/manifests/${encodeURIComponent(tag)}`, MANIFEST_TYPES);
  if (!res.ok) return { created: null, digest: null };
  const digest = res.headers.get('docker-content-digest');
  let m = (await res.json()) as Manifest;
  if (m.manifests?.length) {
    const pick = m.manifests.find((x) => x.platform?.os === 'linux' && x.platform.architecture === 'amd64') ?? m.manifests[0];
    res = await c.get(`/v2/${name}/manifests/${pick.digest}`, MANIFEST_TYPES);
    if (!res.ok) return { created: null, digest };
    m = (await res.json()) as Manifest;
  }
  if (!m.config?.digest) return { created: null, digest };
  const blob = await c.get(`/v2/${name}/blobs/${m.config.digest}`);
  if (!blob.ok) return { created: null, digest };
  const config = (await blob.json()) as { created?: string };
  return { created: typeof config.created === 'string' ? config.created : null, digest };
}

/** At most this many tags get their date looked up (newest-looking names first): each costs two or three calls. */
const MAX_DATED = 30;

/**
 * Tags of `repo` in its registry, with dates for the most recent-looking ones. Bounded by
 * `timeoutMs` as a whole: the upgrade form must not hang on a slow registry.
 */
export async function registryTags(repo: string, opts: { timeoutMs?: number } = {}): Promise<RegistryTag[]> {
  const r = parseRepo(repo);
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 8000);
  const c = new Client(r, signal);
  try {
    const tags = await listTags(c, r.name);
    const ordered = [...tags].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    const dated = await Promise.all(ordered.slice(0, MAX_DATED).map(async (tag) => ({ tag, ...(await createdOf(c, r.name, tag)) })));
    return [...dated, ...ordered.slice(MAX_DATED).map((tag) => ({ tag, created: null, digest: null }))];
  } catch (e) {
    if (e instanceof OpsdeckError) throw e;
    const why = signal.aborted ? say('errors.registry.noAnswer', { seconds: String(Math.round((opts.timeoutMs ?? 8000) / 1000)) }) : (e as Error).message;
    throw new OpsdeckError('conflict', say('errors.registry.cannotAsk', { registry: r.registry, why }), { cause: e });
  }
}
