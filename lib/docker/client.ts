import fs from 'node:fs';
import path from 'node:path';
// Before dockerode loads: its gRPC session and SSH transport are then loaded only when used.
import './optional-deps';
import Docker from 'dockerode';

/**
 * The one place a dockerode client is made. DOCKER_HOST decides the transport the same way the
 * docker CLI does, so an operator's existing environment just works: unix socket by default,
 * tcp:// (with TLS when DOCKER_TLS_VERIFY / DOCKER_CERT_PATH are set), or ssh://user@host.
 */
export interface DockerEndpoint {
  /** What we tell the user we are talking to, e.g. "unix:///var/run/docker.sock". */
  label: string;
  options: Docker.DockerOptions;
}

export function endpointFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): DockerEndpoint {
  const host = env.DOCKER_HOST?.trim();
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
        sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
      },
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DOCKER_HOST scheme ${url.protocol} is not supported (use unix://, tcp:// or ssh://)`);
  }
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:';
  const certDir = env.DOCKER_CERT_PATH;
  const read = (name: string) => (certDir ? fs.readFileSync(path.join(certDir, name)) : undefined);
  return {
    label: `${tls ? 'https' : 'tcp'}://${url.hostname}:${url.port || (tls ? 2376 : 2375)}`,
    options: {
      protocol: tls ? 'https' : 'http',
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      ...(tls && certDir ? { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') } : {}),
    },
  };
}

const cache = globalThis as unknown as { __opsdeckDocker?: { key: string; docker: Docker; endpoint: DockerEndpoint } };

/** Cached per DOCKER_HOST value: dockerode keeps an HTTP agent we want to reuse across requests. */
export function getDocker(): { docker: Docker; endpoint: DockerEndpoint } {
  const key = process.env.DOCKER_HOST ?? '';
  if (!cache.__opsdeckDocker || cache.__opsdeckDocker.key !== key) {
    const endpoint = endpointFromEnv();
    cache.__opsdeckDocker = { key, endpoint, docker: new Docker(endpoint.options) };
  }
  return cache.__opsdeckDocker;
}
