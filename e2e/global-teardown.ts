import fs from 'node:fs';
import { runCompose } from '../lib/docker/compose-cli';
import { STATE_FILE, type E2EState } from './fixtures';

export default async function globalTeardown() {
  if (!fs.existsSync(STATE_FILE)) return;
  const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as E2EState;
  try {
    process.kill(-state.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  await runCompose({ projectName: state.projectName, composeFiles: [state.composeFile], envFile: state.envFile, cwd: state.dir }, ['down', '-v']);
  fs.rmSync(STATE_FILE);
}
