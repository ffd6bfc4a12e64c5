/**
 * The service keys of a compose file that `docker stack deploy` does not apply, found before a Swarm
 * deploy so the refusal names each one with its service instead of the stack coming up different
 * from its file. From the CLI's own compose loader (docker/cli cli/compose): the keys it warns
 * "Ignoring unsupported options" or "Ignoring deprecated options" about, the keys it refuses outright
 * ("Compose file contains unsupported options"), and two it drops without a word because its
 * conversion to a Swarm service has no field for them (depends_on, tmpfs). Capabilities, ulimits and
 * sysctls are applied only by engines whose API has them in a service spec.
 */

export type SwarmKeyVerdict = 'ignored' | 'rejected';

export interface SwarmKeyProblem {
  file: string;
  service: string;
  key: string;
  verdict: SwarmKeyVerdict;
  /** What to write instead, in a few words. */
  instead: string;
}

const RESOURCES = 'deploy.resources (limits / reservations)';

/** Keys the CLI's loader refuses: the whole deploy fails. */
const REJECTED: Record<string, string> = {
  extends: 'copy the shared settings into the service',
  volume_driver: 'the driver on the top-level volumes entry',
  volumes_from: 'a named volume in the top-level volumes, listed in each service',
  cpu_quota: RESOURCES,
  cpu_shares: RESOURCES,
  cpuset: RESOURCES,
  mem_limit: RESOURCES,
  memswap_limit: RESOURCES,
};

/** Keys the loader or the conversion to a service drops: the deploy goes on without them. */
const IGNORED: Record<string, string> = {
  build: 'build and push (or load) the image first; keep only image:',
  cgroupns_mode: 'nothing: Swarm services use the engine default',
  cgroup_parent: 'nothing: Swarm services use the engine default',
  container_name: 'nothing: Swarm names the tasks (<stack>_<service>.<slot>)',
  depends_on: 'make the service retry until what it needs answers (Swarm starts every service at once)',
  devices: 'nothing in a Swarm service; run it with compose on that host',
  domainname: 'hostname: with the full name',
  expose: 'nothing: services on the same network reach every port',
  external_links: 'a shared (external) network',
  ipc: 'nothing in a Swarm service',
  links: 'the service name on a shared network',
  mac_address: 'nothing in a Swarm service',
  network_mode: 'networks: (an overlay network)',
  pid: 'nothing in a Swarm service',
  privileged: 'cap_add: with the capabilities it needs',
  restart: 'deploy.restart_policy',
  security_opt: 'nothing in a Swarm service',
  shm_size: 'a tmpfs volume (volumes: - type: tmpfs) on /dev/shm',
  tmpfs: 'volumes: - type: tmpfs (with tmpfs.size)',
  userns_mode: 'nothing in a Swarm service',
};

/** Applied only by engines whose API version has them in a service spec. */
const SINCE_API: Record<string, { api: string; instead: string }> = {
  cap_add: { api: '1.41', instead: 'Docker 20.10 or newer on the manager' },
  cap_drop: { api: '1.41', instead: 'Docker 20.10 or newer on the manager' },
  ulimits: { api: '1.41', instead: 'Docker 20.10 or newer on the manager' },
  sysctls: { api: '1.40', instead: 'Docker 19.03 or newer on the manager' },
};

function apiBelow(version: string, min: string): boolean {
  const [a, b] = version.split('.').map(Number);
  const [x, y] = min.split('.').map(Number);
  return a < x || (a === x && b < y);
}

/**
 * Every service key in `files` (each parsed as YAML, before interpolation) that `docker stack deploy`
 * would ignore or reject on an engine with API `apiVersion`, by file, service and key.
 */
export function lintSwarmKeys(files: { file: string; doc: unknown }[], apiVersion: string): SwarmKeyProblem[] {
  const out: SwarmKeyProblem[] = [];
  for (const { file, doc } of files) {
    const services = (doc as { services?: unknown } | null)?.services;
    if (!services || typeof services !== 'object') continue;
    for (const [service, spec] of Object.entries(services as Record<string, unknown>)) {
      if (!spec || typeof spec !== 'object') continue;
      for (const key of Object.keys(spec)) {
        if (key in REJECTED) out.push({ file, service, key, verdict: 'rejected', instead: REJECTED[key] });
        else if (key in IGNORED) out.push({ file, service, key, verdict: 'ignored', instead: IGNORED[key] });
        else if (key in SINCE_API && apiBelow(apiVersion, SINCE_API[key].api)) {
          out.push({ file, service, key, verdict: 'ignored', instead: `${SINCE_API[key].instead} (this engine's API is ${apiVersion}, needs ${SINCE_API[key].api})` });
        }
      }
    }
  }
  return out;
}

/** One entry per problem: `memos: restart (ignored by docker stack deploy; instead: deploy.restart_policy)`. */
export function describeSwarmKeys(problems: SwarmKeyProblem[], multipleFiles: boolean): string {
  return problems.map((p) => `${multipleFiles ? `${p.file}: ` : ''}${p.service}: ${p.key} (${p.verdict} by docker stack deploy; instead: ${p.instead})`).join('; ');
}
