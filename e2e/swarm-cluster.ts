import path from 'node:path';
import { onEngine, removeLastRun, SWARM_STACK_FILE } from '../tests/support/swarm-cluster';

export { until, writeSwarmConfig } from '../tests/support/swarm-cluster';

/**
 * The Swarm e2e's view of the cluster (scripts/swarm-bed.sh, its `env` evaluated first): the
 * manager's engine, the stack deployed on it, and the docker CLI pointed at it (argument arrays).
 * The steps it shares with the Vitest swarm files are in tests/support/swarm-cluster.ts.
 */
// No default: without the bed's `env` the setup says so instead of guessing the engines.
export const ENGINES = process.env.OPSDECK_SWARM_NODES?.split(',') ?? [];
export const MANAGER = ENGINES[0] ?? '';
export const PROJECT = 'opsdeck-e2e-swarm';
export const STACK_NAME = 'swarm-e2e';
export const STACK_FILE = SWARM_STACK_FILE;
export const SWARM_STATE_FILE = path.resolve(`.cache/e2e-swarm-state-${process.env.E2E_PORT ?? 3230}.json`);

export interface SwarmE2EState {
  pid: number;
  dataDir: string;
  logFile: string;
}

export function docker(engine: string, ...args: string[]): { ok: boolean; out: string } {
  const r = onEngine(engine, ...args);
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Nothing left of an earlier run: the stack, its task containers and network on every node, its volume. */
export const removeStack = (): Promise<void> => removeLastRun(PROJECT, ENGINES);

/** `name running/desired` of the stack's services, from the manager. */
export function replicas(): Record<string, string> {
  const out = docker(MANAGER, 'service', 'ls', '--filter', `label=com.docker.stack.namespace=${PROJECT}`, '--format', '{{.Name}} {{.Replicas}}').out;
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split(' ')).map(([n, r]) => [n.replace(`${PROJECT}_`, ''), r]));
}

export function activateAll(): void {
  for (const n of ['swarm1', 'swarm2', 'swarm3']) docker(MANAGER, 'node', 'update', '--availability', 'active', n);
}
