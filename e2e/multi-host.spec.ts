/**
 * A stack on another Docker host (an engine over TCP with TLS, scripts/tls-engines.sh): its status
 * page shows its service; the engine's dockerd stopped while the page is open: the page says
 * "engine unreachable: <engine>: <reason>" within seconds and stays usable; the engine started
 * again: the page shows the service again without a reload. Its own Opsdeck server and config.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { runCompose } from '../lib/docker/compose-cli';
import { composeProjectOf } from '../lib/deploy/compose-project';
import { loadStacks } from '../lib/stacks';
import type { Stack } from '../lib/stacks/types';
import { E2E_ADMIN, signInOk } from './fixtures';
import { startOpsdeck } from './server';

const PORT = Number(process.env.E2E_PORT ?? 3210) + 7;
const SCRIPT = path.resolve('scripts/tls-engines.sh');
const tlsEngines = (...args: string[]) => execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

let dataDir: string;
let server: ChildProcess | undefined;
let stack: Stack | undefined;
let engine: { name: string; host: string };

test.use({ baseURL: `http://127.0.0.1:${PORT}` });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  tlsEngines('up');
  const vars = tlsEngines('env');
  const tlsDir = /OPSDECK_TLS_DIR=(\S+)/.exec(vars)![1];
  const [name, host] = /OPSDECK_TLS_ENGINES="([^" ]+)/.exec(vars)![1].split('=');
  engine = { name, host };
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-e2e-hosts-'));
  fs.writeFileSync(path.join(dataDir, 'compose.yml'), 'services:\n  worker:\n    image: opsdeck/base:trixie\n    command: ["sleep", "infinity"]\n    init: true\n    restart: always\n');
  const config = path.join(dataDir, 'opsdeck.yaml');
  fs.writeFileSync(config, `stacks:\n  - name: remote\n    title: Remote host\n    project: opsdeck-test-e2e-remote\n    compose: compose.yml\n    docker: { host: "${host}", tls: { certDir: "${tlsDir}/client" } }\n`);
  [stack] = loadStacks({ configPath: config, cwd: dataDir, env: {} });
  const up = await runCompose(composeProjectOf(stack), ['up', '-d']);
  expect(up.code, up.stderr).toBe(0);
  server = await startOpsdeck({
    port: PORT,
    dataDir,
    logFile: path.join(dataDir, 'server.log'),
    env: { OPSDECK_CONFIG: config, OPSDECK_ADMIN_PASSWORD: E2E_ADMIN.password, OPSDECK_REGISTRY_LOOKUP: 'off', OPSDECK_AI_PROBES: 'off' },
  });
});

test.afterAll(async () => {
  test.setTimeout(180_000);
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  try {
    if (engine) tlsEngines('start', engine.name);
    if (stack) await runCompose(composeProjectOf(stack), ['down', '-v']);
  } finally {
    tlsEngines('down');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the status page of a stack on a TLS engine: unreachable while its engine is stopped, back when it returns', async ({ page }) => {
  test.setTimeout(120_000);
  await signInOk(page, E2E_ADMIN.username, E2E_ADMIN.password);
  await page.goto('/stacks/remote');
  await expect(page.getByTestId('live')).toHaveText('Live');
  const worker = page.getByTestId('service-worker');
  await expect(worker).toHaveAttribute('data-state', 'running');

  tlsEngines('stop', engine.name);
  const label = engine.host.replace('tcp://', 'https://');
  const stoppedAt = Date.now();
  await expect(page.getByRole('alert').filter({ hasText: `engine unreachable: ${label}: connection refused` }).first()).toBeVisible({ timeout: 10_000 });
  console.log(`[multi-host e2e] the page says unreachable ${Date.now() - stoppedAt} ms after dockerd was gone`);
  await expect(worker).toHaveCount(0);
  // The page itself still answers: the live link is up, only the engine is away.
  await expect(page.getByTestId('live')).toHaveText('Live');

  tlsEngines('start', engine.name);
  await expect(page.getByTestId('service-worker')).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'engine unreachable' })).toHaveCount(0, { timeout: 15_000 });
});
