import fs from 'node:fs';
import { activateAll, removeStack, SWARM_STATE_FILE, type SwarmE2EState } from './swarm-cluster';

export default async function swarmTeardown() {
  if (fs.existsSync(SWARM_STATE_FILE)) {
    const state = JSON.parse(fs.readFileSync(SWARM_STATE_FILE, 'utf8')) as SwarmE2EState;
    try {
      process.kill(-state.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    fs.rmSync(SWARM_STATE_FILE);
    fs.rmSync(state.dataDir, { recursive: true, force: true });
  }
  activateAll();
  await removeStack();
}
