import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The Swarm e2e's view of the cluster (scripts/swarm-bed.sh, its `env` evaluated first): the
 * manager's engine, the stack deployed on it, and the docker CLI pointed at it (argument arrays).
 */
export const ENGINES = process.env.OPSDECK_SWARM_NODES?.split(',') ?? [];
export const MANAGER = ENGINES[0] ?? '';
export const PROJECT = 'opsdeck-e2e-swarm';
export const STACK_NAME = 'swarm-e2e';
export const STACK_FILE = path.resolve('examples/swarm/stack.yml');
export const SWARM_STATE_FILE = path.resolve(`.cache/e2e-swarm-state-${process.env.E2E_PORT ?? 3230}.json`);

export interface SwarmE2EState {
  pid: number;
  dataDir: string;
  logFile: string;
}

export function docker(engine: string, ...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: engine }, timeout: 120_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const ofProject = (engine: string, ...args: string[]) => docker(engine, ...args, '--filter', `label=com.docker.stack.namespace=${PROJECT}`).out.split('\n').filter(Boolean);

export async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Nothing left of an earlier run: the stack, its task containers and network on every node, its volume. */
export async function removeStack(): Promise<void> {
  docker(MANAGER, 'stack', 'rm', PROJECT);
  await until('the last run of the e2e stack gone', () => ENGINES.every((e) => !ofProject(e, 'ps', '-q').length && !ofProject(e, 'network', 'ls', '-q').length), 180_000);
  for (const e of ENGINES) {
    const left = ofProject(e, 'ps', '-aq');
    if (left.length) docker(e, 'rm', '-f', ...left);
    docker(e, 'volume', 'rm', '-f', `${PROJECT}_postgres_data`);
  }
}

/** `name running/desired` of the stack's services, from the manager. */
export function replicas(): Record<string, string> {
  const out = docker(MANAGER, 'service', 'ls', '--filter', `label=com.docker.stack.namespace=${PROJECT}`, '--format', '{{.Name}} {{.Replicas}}').out;
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ')).map(([n, r]) => [n.replace(`${PROJECT}_`, ''), r]));
}

export function activateAll(): void {
  for (const n of ['swarm1', 'swarm2', 'swarm3']) docker(MANAGER, 'node', 'update', '--availability', 'active', n);
}
