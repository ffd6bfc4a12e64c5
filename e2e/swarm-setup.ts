import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_ADMIN } from './fixtures';
import { startOpsdeck } from './server';
import { activateAll, docker, ENGINES, MANAGER, PROJECT, removeStack, replicas, STACK_FILE, STACK_NAME, SWARM_STATE_FILE, until, type SwarmE2EState } from './swarm-cluster';

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
  const config = path.join(dataDir, 'opsdeck.yaml');
  // The stack file's own defaults (what it was deployed with), where the status page's PostgreSQL check reads its credentials.
  const envFile = path.join(dataDir, 'stack.env');
  fs.writeFileSync(envFile, 'POSTGRES_USER=memos\nPOSTGRES_PASSWORD=Opsdeck-demo-7f3K9qLx2mWv\nPOSTGRES_DB=memos\n');
  fs.writeFileSync(
    config,
    [
      'stacks:',
      `  - name: ${STACK_NAME}`,
      '    preset: generic',
      '    runtime: swarm',
      `    project: ${PROJECT}`,
      `    compose: ${STACK_FILE}`,
      `    envFile: ${envFile}`,
      `    swarm: { manager: "${MANAGER}", nodes: { ${ENGINES.map((e, i) => `swarm${i + 1}: "${e}"`).join(', ')} } }`,
      '    database: { service: postgres, host: 127.0.0.1, port: 5432 }',
      // Published nowhere: asked from inside a running memos task on its node (the engine relay); the demo app records its schema where Memos does.
      `    app: { service: memos, healthUrl: "http://127.0.0.1:5230/healthz", schemaVersionQuery: "SELECT value FROM system_setting WHERE name = 'schema_version'" }`,
      '',
    ].join('\n'),
  );
  const port = Number(process.env.E2E_PORT ?? 3230);
  const logFile = path.join(dataDir, 'server.log');
  const server = await startOpsdeck({ port, dataDir, logFile, env: { OPSDECK_CONFIG: config, OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_REGISTRY_LOOKUP: 'off' } });
  const state: SwarmE2EState = { pid: server.pid!, dataDir, logFile };
  fs.mkdirSync(path.dirname(SWARM_STATE_FILE), { recursive: true });
  fs.writeFileSync(SWARM_STATE_FILE, JSON.stringify(state));
}
