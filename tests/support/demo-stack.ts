/**
 * A real copy of the demo stack (examples/demo, the seed's prod.yml shape) for integration and e2e
 * tests: PostgreSQL and the Memos stand-in on their own compose bridge network, the app's port
 * published, the database not, under a compose project `opsdeck-test-<random>` (with container
 * names of its own) so several copies run side by side and `scripts/setup-env.sh --cleanup-tests`
 * finds leftovers. Images come from scripts/setup-env.sh; nothing is pulled.
 *
 * The engine runs in its own network namespace (scripts/test-bed.sh): the tests, like Opsdeck,
 * reach the database and the app through the engine (`pg()`, `http()`), never on 127.0.0.1.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type pg from 'pg';
import { runCompose, type ComposeProject } from '../../lib/docker/compose-cli';
import { tunnelSocket } from '../../lib/docker/tunnel';
import { openPgClient } from '../../lib/postgres/client';
import { stackFetch } from '../../lib/reach/http';
import { demoStack } from '../../lib/stacks/demo-stack';
import type { Stack } from '../../lib/stacks/types';

export interface StartDemoStackOptions {
  /** opsdeck/demo-app tag: 1.0.0 (default), 1.1.0, never-healthy. */
  appTag?: string;
  appPort?: number;
  /** Publish PostgreSQL too (compose.db-port.yml, the seed's POSTGRES_PORT_MAPPING) on this port. */
  publishPgPort?: number;
  /** Wait until both services are healthy (default true; false for never-healthy scenarios). */
  waitHealthy?: boolean;
  timeoutMs?: number;
  /** false: only prepare the env file and project (a test that deploys it itself). */
  start?: boolean;
}

export interface DemoStack {
  projectName: string;
  composeFile: string;
  envFile: string;
  /** Temporary directory holding envFile; removed by down(). */
  dir: string;
  /** The app's published port (inside the engine's namespace). */
  appPort: number;
  appTag: string;
  appUrl: string;
  postgres: { user: string; password: string; database: string };
  /** compose arguments of this project, for tests that run compose themselves. */
  project: ComposeProject;
  /** The `Stack` Opsdeck builds for this copy (built-in demo stack pointed at it). */
  stack: Stack;
  /** A connected client to the stack's database, through the engine (end() it). */
  pg(database?: string): Promise<pg.Client>;
  /**
   * A port on the host's 127.0.0.1 that carries each connection to PostgreSQL through the engine:
   * for tests of host tools against an "external" database the host can reach. close() it.
   */
  pgOnHost(): Promise<{ port: number; close(): Promise<void> }>;
  /** An HTTP request to the app, through the engine, as fetch would make it. */
  http(pathAndQuery: string, init?: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number }): Promise<Response>;
  /** Last lines of both services' logs (for failure messages). */
  logs(tail?: number): Promise<string>;
  /** `down -v`: containers and volumes go. Safe to call twice. */
  down(): Promise<void>;
}

// __dirname exists under both Vitest and Playwright's loader; the cwd is the fallback.
const REPO_ROOT = typeof __dirname === 'string' ? path.resolve(__dirname, '..', '..') : process.cwd();
export const DEMO_DIR = path.join(REPO_ROOT, 'examples', 'demo');
export const DEMO_COMPOSE_FILE = path.join(DEMO_DIR, 'compose.yml');
export const DEMO_ENV_FILE = path.join(DEMO_DIR, '.env');
export const DEMO_DB_PORT_FILE = path.join(DEMO_DIR, 'compose.db-port.yml');
const SERVICES = ['postgres', 'memos'] as const;

const docker = new Docker();

/** A port nobody listens on right now (the kernel picks it; we close it again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** KEY=VALUE lines of the demo env file (no quoting or expansion: the file uses none). */
function parseEnv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1], m[2]);
  }
  return vars;
}

/** The demo env file with some values replaced (comments and order kept; missing keys appended). */
function rewriteEnv(text: string, changes: Record<string, string>): string {
  const left = new Map(Object.entries(changes));
  const lines = text.split('\n').map((line) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line.trim());
    if (!m || !left.has(m[1])) return line;
    const value = left.get(m[1]);
    left.delete(m[1]);
    return `${m[1]}=${value}`;
  });
  for (const [k, v] of left) lines.push(`${k}=${v}`);
  return lines.join('\n');
}

async function assertImage(name: string): Promise<void> {
  try {
    await docker.getImage(name).inspect();
  } catch {
    throw new Error(`Docker image ${name} is missing: run \`bash scripts/setup-env.sh\` first.`);
  }
}

type ServiceState = { service: string; status: string; health: string };

async function serviceStates(projectName: string): Promise<ServiceState[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${projectName}`] } });
  const states: ServiceState[] = [];
  for (const c of list) {
    const info = await docker.getContainer(c.Id).inspect();
    states.push({
      service: info.Config.Labels['com.docker.compose.service'] ?? '?',
      status: info.State.Status,
      health: info.State.Health?.Status ?? 'none',
    });
  }
  return states;
}

async function pgOnHost(stack: Stack): Promise<{ port: number; close(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    const relay = tunnelSocket(stack, { service: 'postgres', host: '127.0.0.1', port: 5432 });
    const done = () => {
      open.delete(client);
      client.destroy();
      relay.destroy();
    };
    client.once('error', done).once('close', done);
    relay.once('error', done).once('close', done);
    client.pipe(relay).pipe(client);
    relay.connect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const c of open) c.destroy();
      server.close(() => resolve());
    }),
  };
}

export async function startDemoStack(opts: StartDemoStackOptions = {}): Promise<DemoStack> {
  const appTag = opts.appTag ?? '1.0.0';
  await Promise.all([assertImage('opsdeck/postgres:17'), assertImage(`opsdeck/demo-app:${appTag}`)]);

  const appPort = opts.appPort ?? (await freePort());

  const template = fs.readFileSync(DEMO_ENV_FILE, 'utf8');
  const base = parseEnv(template);
  const postgres = {
    user: base.get('POSTGRES_USER') ?? 'memos',
    password: base.get('POSTGRES_PASSWORD') ?? '',
    database: base.get('POSTGRES_DB') ?? 'memos',
  };
  const e = encodeURIComponent;
  const dsn = `postgres://${e(postgres.user)}:${e(postgres.password)}@postgres:5432/${e(postgres.database)}?sslmode=disable`;
  const projectName = `opsdeck-test-${crypto.randomBytes(4).toString('hex')}`;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-demo-'));
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(
    envFile,
    rewriteEnv(template, {
      APP_TAG: appTag,
      POSTGRES_CONTAINER_NAME: `${projectName}-postgres`,
      MEMOS_CONTAINER_NAME: `${projectName}-memos`,
      MEMOS_PORT: String(appPort),
      ...(opts.publishPgPort ? { POSTGRES_PORT_MAPPING: `127.0.0.1:${opts.publishPgPort}`, POSTGRES_PORT: String(opts.publishPgPort) } : {}),
      MEMOS_DSN: dsn,
      MEMOS_INSTANCE_URL: `http://127.0.0.1:${appPort}`,
    }),
    { mode: 0o600 },
  );

  const composeFiles = opts.publishPgPort ? [DEMO_COMPOSE_FILE, DEMO_DB_PORT_FILE] : [DEMO_COMPOSE_FILE];
  const project: ComposeProject = { projectName, composeFiles, envFile, cwd: dir };
  const stack = { ...demoStack(REPO_ROOT, { OPSDECK_DEMO_ENV_FILE: envFile, OPSDECK_DEMO_PROJECT: projectName }), composeFiles };
  const pgClient = async (database = postgres.database) =>
    (await openPgClient(stack, { host: '127.0.0.1', port: opts.publishPgPort ?? 5432, ...postgres, database, via: { service: 'postgres', host: '127.0.0.1', port: 5432 } }, { connectionTimeoutMillis: 10_000 })).client;
  const http = (p: string, init: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}) =>
    stackFetch(stack, `http://127.0.0.1:${appPort}${p}`, { service: 'memos', timeoutMs: init.timeoutMs ?? 10_000, ...init });

  const logs = async (tail = 40) => {
    const r = await runCompose(project, ['logs', '--no-color', '--tail', String(tail)]);
    return (r.stdout + r.stderr).trim();
  };
  let downDone = false;
  const down = async () => {
    if (downDone) return;
    const r = await runCompose(project, ['down', '-v', '--remove-orphans']);
    if (r.code !== 0) throw new Error(`compose down of ${projectName} failed (exit ${r.code}): ${r.stderr.trim().slice(-2000)}`);
    downDone = true;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const demo: DemoStack = {
    projectName, composeFile: DEMO_COMPOSE_FILE, envFile, dir, appPort, appTag,
    appUrl: `http://127.0.0.1:${appPort}`, postgres, project, stack, pg: pgClient, pgOnHost: () => pgOnHost(stack), http, logs, down,
  };

  // Any failure from here on: collect what explains it, remove the stack, then throw.
  const fail = async (what: string): Promise<never> => {
    const tail = await logs(30).catch((err: unknown) => `(logs unavailable: ${String(err)})`);
    await down().catch(() => undefined);
    throw new Error(`${what}\n--- last log lines of ${projectName} ---\n${tail}`);
  };

  if (opts.start === false) return demo;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await runCompose(project, ['up', '-d']);
    if (up.code === 0) break;
    // On a loaded machine PostgreSQL's first initdb can outlast its healthcheck's start period, and
    // compose gives up on the dependency; the check keeps running, so wait and bring it up again.
    const slowDependency = /dependency failed to start: container .* is unhealthy/.test(up.stderr);
    if (!slowDependency || Date.now() > deadline) return fail(`compose up -d of ${projectName} failed (exit ${up.code}):\n${up.stderr.trim().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  if (opts.waitHealthy === false) return demo;

  let states: ServiceState[] = [];
  for (;;) {
    states = await serviceStates(projectName);
    const healthy = SERVICES.every((s) => states.some((c) => c.service === s && c.health === 'healthy'));
    if (healthy) return demo;
    const dead = states.find((c) => c.status === 'exited' || c.status === 'dead');
    if (dead) return fail(`service ${dead.service} of ${projectName} stopped (${dead.status}) before becoming healthy`);
    if (Date.now() > deadline) {
      const summary = SERVICES.map((s) => {
        const c = states.find((x) => x.service === s);
        return c ? `${s}: ${c.status}/${c.health}` : `${s}: no container`;
      }).join(', ');
      return fail(`demo stack ${projectName} not healthy after ${Math.round(timeoutMs / 1000)}s (${summary})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
