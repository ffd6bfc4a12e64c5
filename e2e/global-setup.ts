import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoStack } from '../tests/support/demo-stack';
import { startOpsdeck } from './server';
import { E2E_ADMIN, STATE_FILE, type E2EState } from './fixtures';

export default async function globalSetup() {
  const stack = await startDemoStack();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-'));
  const port = Number(process.env.E2E_PORT ?? 3210);
  const logFile = path.join(dataDir, 'server.log');
  const server = await startOpsdeck({
    port,
    dataDir,
    logFile,
    // No registry lookups: the demo's images name Docker Hub, and tests talk to loopback only.
    env: { OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_DEMO_ENV_FILE: stack.envFile, OPSDECK_DEMO_PROJECT: stack.projectName, OPSDECK_REGISTRY_LOOKUP: 'off' },
  });
  const state: E2EState = { pid: server.pid!, dataDir, logFile, projectName: stack.projectName, composeFile: stack.composeFile, envFile: stack.envFile, dir: stack.dir };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state));
}
