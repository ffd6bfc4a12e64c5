/**
 * A real copy of the demo stack (examples/demo) for integration and e2e tests: PostgreSQL and the
 * Memos stand-in, on free 127.0.0.1 ports, under a compose project `opsdeck-test-<random>` so
 * several copies can run side by side and `scripts/setup-env.sh --cleanup-tests` finds leftovers.
 * Images come from scripts/setup-env.sh; nothing is pulled.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { runCompose, type ComposeProject } from '../../lib/docker/compose-cli';

export interface StartDemoStackOptions {
  /** opsdeck/demo-app tag: 1.0.0 (default), 1.1.0, never-healthy. */
  appTag?: string;
  pgPort?: number;
  appPort?: number;
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
  pgPort: number;
  appPort: number;
  appTag: string;
  appUrl: string;
  postgres: { user: string; password: string; database: string };
  /** compose arguments of this project, for tests that run compose themselves. */
  project: ComposeProject;
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

export async function startDemoStack(opts: StartDemoStackOptions = {}): Promise<DemoStack> {
  const appTag = opts.appTag ?? '1.0.0';
  await Promise.all([assertImage('opsdeck/postgres:17'), assertImage(`opsdeck/demo-app:${appTag}`)]);

  const pgPort = opts.pgPort ?? (await freePort());
  let appPort = opts.appPort ?? (await freePort());
  while (appPort === pgPort) appPort = await freePort();

  const template = fs.readFileSync(DEMO_ENV_FILE, 'utf8');
  const base = parseEnv(template);
  const postgres = {
    user: base.get('POSTGRES_USER') ?? 'memos',
    password: base.get('POSTGRES_PASSWORD') ?? '',
    database: base.get('POSTGRES_DB') ?? 'memos',
  };
  const e = encodeURIComponent;
  const dsn = `postgres://${e(postgres.user)}:${e(postgres.password)}@127.0.0.1:${pgPort}/${e(postgres.database)}?sslmode=disable`;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-demo-'));
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(
    envFile,
    rewriteEnv(template, {
      APP_TAG: appTag,
      POSTGRES_PORT: String(pgPort),
      MEMOS_PORT: String(appPort),
      MEMOS_DSN: dsn,
      MEMOS_INSTANCE_URL: `http://127.0.0.1:${appPort}`,
    }),
    { mode: 0o600 },
  );

  const projectName = `opsdeck-test-${crypto.randomBytes(4).toString('hex')}`;
  const project: ComposeProject = { projectName, composeFiles: [DEMO_COMPOSE_FILE], envFile, cwd: dir };

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
  const stack: DemoStack = {
    projectName, composeFile: DEMO_COMPOSE_FILE, envFile, dir, pgPort, appPort, appTag,
    appUrl: `http://127.0.0.1:${appPort}`, postgres, project, logs, down,
  };

  // Any failure from here on: collect what explains it, remove the stack, then throw.
  const fail = async (what: string): Promise<never> => {
    const tail = await logs(30).catch((err: unknown) => `(logs unavailable: ${String(err)})`);
    await down().catch(() => undefined);
    throw new Error(`${what}\n--- last log lines of ${projectName} ---\n${tail}`);
  };

  if (opts.start === false) return stack;
  const up = await runCompose(project, ['up', '-d']);
  if (up.code !== 0) return fail(`compose up -d of ${projectName} failed (exit ${up.code}):\n${up.stderr.trim().slice(-3000)}`);
  if (opts.waitHealthy === false) return stack;

  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let states: ServiceState[] = [];
  for (;;) {
    states = await serviceStates(projectName);
    const healthy = SERVICES.every((s) => states.some((c) => c.service === s && c.health === 'healthy'));
    if (healthy) return stack;
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
