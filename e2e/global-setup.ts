import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoStack } from '../tests/support/demo-stack';
import { startOpsdeck } from './server';
import { OIDC_CLIENT, OIDC_ROLE_MAP, oidcPort, startOidcServer } from './oidc-server';
import { E2E_ADMIN, STATE_FILE, type E2EState } from './fixtures';

export default async function globalSetup() {
  const stack = await startDemoStack();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-'));
  const port = Number(process.env.E2E_PORT ?? 3210);
  const logFile = path.join(dataDir, 'server.log');
  // A real OpenID Provider on loopback for the OIDC sign-in test; it lives as long as this runner.
  const oidc = await startOidcServer({ port: oidcPort(), opsdeckUrl: `http://127.0.0.1:${port}` });
  const oidcEnv = { OPSDECK_OIDC_ISSUER: oidc.issuer, OPSDECK_OIDC_CLIENT_ID: OIDC_CLIENT.id, OPSDECK_OIDC_CLIENT_SECRET: OIDC_CLIENT.secret, OPSDECK_OIDC_ROLE_MAP: OIDC_ROLE_MAP, OPSDECK_OIDC_NAME: 'Test IdP' };
  const server = await startOpsdeck({
    port,
    dataDir,
    logFile,
    // No registry lookups: the demo's images name Docker Hub, and tests talk to loopback only.
    env: { ...oidcEnv, OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_DEMO_ENV_FILE: stack.envFile, OPSDECK_DEMO_PROJECT: stack.projectName, OPSDECK_REGISTRY_LOOKUP: 'off' },
  });
  const state: E2EState = { pid: server.pid!, dataDir, logFile, projectName: stack.projectName, composeFile: stack.composeFile, envFile: stack.envFile, dir: stack.dir };
  fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  fs.writeFileSync(STATE_FILE, JSON.stringify(state));
  return () => oidc.close();
}
