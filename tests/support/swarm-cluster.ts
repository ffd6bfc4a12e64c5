/**
 * The steps every Swarm test takes on the three-node cluster of scripts/swarm-bed.sh, shared by the
 * Vitest files (tests/integration/swarm*.test.ts) and the Playwright pass (e2e/swarm-cluster.ts):
 * waiting for a condition, the docker CLI pointed at one node's engine (argument arrays), removing
 * what an earlier run of a stack left on every node, and writing an opsdeck.yaml with that one stack.
 * Node built-ins only, nothing from lib/: the Playwright side loads it outside Next.js.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
/** The demo stack file every Swarm test deploys: memos ×2 and postgres pinned to swarm2. */
export const SWARM_STACK_FILE = path.join(REPO, 'examples/swarm/stack.yml');
/** The nodes' engines from `swarm-bed.sh env`; without it, those of the default prefix. */
export const SWARM_ENGINES = process.env.OPSDECK_SWARM_NODES?.split(',') ?? [1, 2, 3].map((n) => `unix:///run/opsdeck-bed/swarm${n}/docker.sock`);
export const SWARM_MANAGER = SWARM_ENGINES[0];
/** Where the stack file's own defaults go: what the stack is deployed with, and what Opsdeck logs in with. */
export const SWARM_STACK_ENV = 'POSTGRES_USER=memos\nPOSTGRES_PASSWORD=Opsdeck-demo-7f3K9qLx2mWv\nPOSTGRES_DB=memos\n';

export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Polls `fn` until it returns something truthy (errors count as not yet), or fails naming `what` and the last error. */
export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 120_000, everyMs = 250): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Truthy<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The docker CLI against one node's engine; the caller reads status and output. */
export function onEngine(engine: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: engine }, timeout: 120_000 });
}

/**
 * Nothing left of an earlier run of `project`: the stack, its task containers and network on every
 * node, and its database volume, so each run starts with a fresh database (an upgrade migrates it,
 * and the older release refuses a newer schema).
 */
export async function removeLastRun(project: string, engines = SWARM_ENGINES): Promise<void> {
  onEngine(engines[0], 'stack', 'rm', project);
  const ofProject = (e: string, ...args: string[]) => (onEngine(e, ...args, '--filter', `label=com.docker.stack.namespace=${project}`).stdout ?? '').split('\n').filter(Boolean);
  await until(`the last run of ${project} gone (tasks and network)`, () => engines.every((e) => !ofProject(e, 'ps', '-q').length && !ofProject(e, 'network', 'ls', '-q').length), 180_000);
  for (const e of engines) {
    // A task container stopped with its node's dockerd (the kill-node case) stays behind, holding the volume.
    const left = ofProject(e, 'ps', '-aq');
    if (left.length) onEngine(e, 'rm', '-f', ...left);
    onEngine(e, 'volume', 'rm', '-f', `${project}_postgres_data`);
  }
}

export interface SwarmStackConfig {
  name: string;
  project: string;
  /** The `app:` entry, a YAML flow mapping such as `{ service: memos }`. */
  app: string;
  engines?: string[];
}

/**
 * Writes `dir`/stack.env (the stack file's defaults) and `dir`/opsdeck.yaml with the one Swarm stack;
 * returns the config's path. Every node's engine is listed by host name (the bed names them swarm1..3
 * whatever its prefix): the upgrade's pre-flight asks each whether it has the target image, and the
 * database's dumps and loads go through the engine of the node running it.
 */
export function writeSwarmConfig(dir: string, { name, project, app, engines = SWARM_ENGINES }: SwarmStackConfig): string {
  const envFile = path.join(dir, 'stack.env');
  fs.writeFileSync(envFile, SWARM_STACK_ENV);
  const config = path.join(dir, 'opsdeck.yaml');
  fs.writeFileSync(
    config,
    [
      'stacks:',
      `  - name: ${name}`,
      '    preset: generic',
      '    runtime: swarm',
      `    project: ${project}`,
      `    compose: ${SWARM_STACK_FILE}`,
      `    envFile: ${envFile}`,
      `    swarm: { manager: "${engines[0]}", nodes: { ${engines.map((e, i) => `swarm${i + 1}: "${e}"`).join(', ')} } }`,
      '    database: { service: postgres, host: 127.0.0.1, port: 5432 }',
      `    app: ${app}`,
      '',
    ].join('\n'),
  );
  return config;
}
