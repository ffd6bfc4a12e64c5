import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Duplex } from 'node:stream';
// Before dockerode loads: its gRPC session and SSH transport are then loaded only when used.
import './optional-deps';
import Docker from 'dockerode';
import type { EngineSettings } from '@/lib/stacks/types';

/**
 * The one place a dockerode client is made. A stack names its engine in opsdeck.yaml (`docker:`);
 * without it, DOCKER_HOST decides the transport the same way the docker CLI does, so an operator's
 * existing environment just works: unix socket by default, tcp:// (with TLS when DOCKER_TLS_VERIFY /
 * DOCKER_CERT_PATH are set), or ssh://user@host.
 */
export interface DockerEndpoint {
  /** What we tell the user we are talking to, e.g. "unix:///var/run/docker.sock". */
  label: string;
  options: Docker.DockerOptions;
}

/** Anything that may name its engine: a Stack. Absent or without `docker`: Opsdeck's own engine. */
export interface EngineOwner {
  docker?: EngineSettings;
}

/** A TCP connection (and TLS handshake) to a remote engine that takes longer than this fails. */
export const CONNECT_TIMEOUT_MS = 4000;

function endpointOf(host: string | undefined, tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } | null, sshAgent?: string): DockerEndpoint {
  if (!host || host.startsWith('unix://')) {
    const socketPath = host ? host.slice('unix://'.length) : '/var/run/docker.sock';
    return { label: `unix://${socketPath}`, options: { socketPath } };
  }
  const url = new URL(host);
  if (url.protocol === 'ssh:') {
    return {
      label: `ssh://${url.username ? `${url.username}@` : ''}${url.hostname}${url.port ? `:${url.port}` : ''}`,
      options: {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        username: url.username || undefined,
        sshOptions: sshAgent ? { agent: sshAgent } : {},
      },
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DOCKER_HOST scheme ${url.protocol} is not supported (use unix://, tcp:// or ssh://)`);
  }
  const secure = tls !== null || url.protocol === 'https:';
  const port = Number(url.port || (secure ? 2376 : 2375));
  return {
    label: `${secure ? 'https' : 'tcp'}://${url.hostname}:${port}`,
    options: { protocol: secure ? 'https' : 'http', host: url.hostname, port, ...(tls ?? {}) },
  };
}

export function endpointFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): DockerEndpoint {
  const host = env.DOCKER_HOST?.trim();
  const tcp = host && !host.startsWith('unix://') && !host.startsWith('ssh://');
  const certDir = env.DOCKER_CERT_PATH;
  const read = (name: string) => (certDir ? fs.readFileSync(path.join(certDir, name)) : undefined);
  const tls = tcp && env.DOCKER_TLS_VERIFY === '1' ? (certDir ? { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') } : {}) : null;
  return endpointOf(host, tls, env.SSH_AUTH_SOCK);
}

/** A stack's own engine: its `docker:` settings (certificates read now), else the environment's. */
export function endpointFor(owner?: EngineOwner | null): DockerEndpoint {
  const s = owner?.docker;
  if (!s) return endpointFromEnv();
  const tls = s.tls ? { ca: fs.readFileSync(s.tls.ca), cert: fs.readFileSync(s.tls.cert), key: fs.readFileSync(s.tls.key) } : null;
  return endpointOf(s.host, tls, process.env.SSH_AUTH_SOCK);
}

/** The cache key of an engine: the same address with the same certificates is one client. */
export function engineKey(owner?: EngineOwner | null): string {
  const s = owner?.docker;
  if (!s) return `env:${process.env.DOCKER_HOST ?? ''}|${process.env.DOCKER_TLS_VERIFY ?? ''}|${process.env.DOCKER_CERT_PATH ?? ''}`;
  return `${s.host}|${s.tls ? `${s.tls.ca}|${s.tls.cert}|${s.tls.key}` : ''}`;
}

/**
 * A keep-alive agent whose connections must be established (TLS included) within `ms`: an engine
 * whose host drops packets fails in seconds instead of hanging on the OS's TCP timeout. Only the
 * connect is bounded; a long answer (a log follow, an event stream, a 30 s stop) is not.
 */
function connectBoundedAgent(secure: boolean, ms: number): http.Agent {
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const bounded = agent as unknown as { createConnection: (o: unknown, cb?: unknown) => Duplex };
  const create = bounded.createConnection.bind(agent);
  bounded.createConnection = (options, cb) => {
    const socket = create(options, cb);
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`no connection within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
    socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  return agent;
}

interface Client {
  docker: Docker;
  endpoint: DockerEndpoint;
  agent?: http.Agent;
}

/** Engines a process talks to: a handful in practice; bounded so a config churn cannot grow it. */
const MAX_CLIENTS = 16;
const holder = globalThis as unknown as { __opsdeckDockerClients?: Map<string, Client> };
const clients = (holder.__opsdeckDockerClients ??= new Map());

/**
 * The client of a stack's engine, cached per engine (dockerode keeps an HTTP agent we want to reuse
 * across requests). The least recently used client past MAX_CLIENTS is dropped and its sockets closed.
 */
export function getDocker(owner?: EngineOwner | null): { docker: Docker; endpoint: DockerEndpoint } {
  const key = engineKey(owner);
  let c = clients.get(key);
  if (c) {
    clients.delete(key);
    clients.set(key, c);
    return c;
  }
  const endpoint = endpointFor(owner);
  const remote = endpoint.options.protocol === 'http' || endpoint.options.protocol === 'https';
  const agent = remote ? connectBoundedAgent(endpoint.options.protocol === 'https', CONNECT_TIMEOUT_MS) : undefined;
  c = { endpoint, agent, docker: new Docker({ ...endpoint.options, ...(agent ? { agent } : {}) }) };
  clients.set(key, c);
  for (const [k, old] of clients) {
    if (clients.size <= MAX_CLIENTS) break;
    clients.delete(k);
    old.agent?.destroy();
  }
  return c;
}

/** How many engine clients are cached (for tests of the bound). */
export function cachedClientCount(): number {
  return clients.size;
}

/** The engine address of an owner, for the compose CLI: DOCKER_HOST plus the TLS variables. */
export function engineEnv(owner?: EngineOwner | null): Record<string, string> {
  const s = owner?.docker;
  if (!s) return {};
  if (!s.tls) return { DOCKER_HOST: s.host, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', DOCKER_CONTEXT: '' };
  return { DOCKER_HOST: s.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certDirFor(s.tls), DOCKER_CONTEXT: '' };
}

/**
 * The docker CLI reads TLS files from one directory with fixed names (ca.pem, cert.pem, key.pem).
 * When the config names them one by one elsewhere, a private directory of links to them is made.
 */
function certDirFor(tls: NonNullable<EngineSettings['tls']>): string {
  const dir = path.dirname(tls.ca);
  if (path.dirname(tls.cert) === dir && path.dirname(tls.key) === dir && path.basename(tls.ca) === 'ca.pem' && path.basename(tls.cert) === 'cert.pem' && path.basename(tls.key) === 'key.pem') return dir;
  const hash = createHash('sha256').update(`${tls.ca}|${tls.cert}|${tls.key}`).digest('hex').slice(0, 16);
  const links = path.join(process.env.TMPDIR || '/tmp', `opsdeck-tls-${process.getuid?.() ?? 0}`, hash);
  fs.mkdirSync(links, { recursive: true, mode: 0o700 });
  for (const [name, target] of [['ca.pem', tls.ca], ['cert.pem', tls.cert], ['key.pem', tls.key]] as const) {
    const link = path.join(links, name);
    let current: string | null = null;
    try {
      current = fs.readlinkSync(link);
    } catch {
      // not there yet
    }
    if (current !== target) {
      fs.rmSync(link, { force: true });
      fs.symlinkSync(target, link);
    }
  }
  return links;
}
