import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_ADMIN } from './fixtures';
import { startOpsdeck } from './server';
import { activateAll, docker, ENGINES, MANAGER, PROJECT, removeStack, replicas, STACK_FILE, STACK_NAME, SWARM_STATE_FILE, until, writeSwarmConfig, type SwarmE2EState } from './swarm-cluster';

/**
 * The Swarm e2e's world: the demo stack deployed fresh on the three-node cluster (memos 2/2,
 * postgres 1/1 pinned to swarm2) and an Opsdeck server whose config has that one stack.
 */
export default async function swarmSetup() {
  if (ENGINES.length !== 3) throw new Error('No Swarm cluster: run `bash scripts/swarm-bed.sh up` and eval its `env` first.');
  // A run that stopped half-way may have left a node drained or the stack scaled.
  activateAll();
  await removeStack();
  const deploy = docker(MANAGER, 'stack', 'deploy', '--detach=true', '-c', STACK_FILE, PROJECT);
  if (!deploy.ok) throw new Error(`docker stack deploy failed: ${deploy.out}`);
  await until('memos 2/2 and postgres 1/1', () => {
    const r = replicas();
    return r.memos === '2/2' && r.postgres === '1/1';
  }, 180_000);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-swarm-'));
  // Published nowhere: the app is asked from inside a running memos task on its node (the engine relay); the demo app records its schema where Memos does.
  const config = writeSwarmConfig(dataDir, {
    name: STACK_NAME,
    project: PROJECT,
    engines: ENGINES,
    app: `{ service: memos, healthUrl: "http://127.0.0.1:5230/healthz", schemaVersionQuery: "SELECT value FROM system_setting WHERE name = 'schema_version'" }`,
  });
  const port = Number(process.env.E2E_PORT ?? 3230);
  const logFile = path.join(dataDir, 'server.log');
  const server = await startOpsdeck({ port, dataDir, logFile, env: { OPSDECK_CONFIG: config, OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_REGISTRY_LOOKUP: 'off' } });
  const state: SwarmE2EState = { pid: server.pid!, dataDir, logFile };
  fs.mkdirSync(path.dirname(SWARM_STATE_FILE), { recursive: true });
  fs.writeFileSync(SWARM_STATE_FILE, JSON.stringify(state));
}
