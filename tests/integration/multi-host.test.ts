/**
 * Stacks on several Docker hosts: two engines reached over TCP with TLS (scripts/tls-engines.sh:
 * each dockerd in a namespace of its own, --tlsverify, certificates made by the script), a stack on
 * each (`docker: { host, tls }`). Deployed through the compose CLI on its own engine, statuses of
 * both right; one engine's dockerd stopped while the status hub watches: that stack says "engine
 * unreachable" within seconds and no call hangs, the other stack keeps its live feed; the engine
 * started again: the stack recovers. /api/ready's body and the overview's Docker line name each engine
 * with its state (one stopped: unreachable, the other fine). An engine that accepts connections but does not answer
 * (dockerd frozen) gives the same state within the status deadline. A wrong certificate is refused when the config loads, and a
 * client certificate the engine does not trust is named as such.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStackServices, runLifecycle } from '@/lib/docker';
import { runCompose } from '@/lib/docker/compose-cli';
import { composeProjectOf } from '@/lib/deploy/compose-project';
import { ConfigError, loadStacks } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';
import { readiness } from '@/lib/health/readiness';
import { clearStackCache } from '@/lib/stacks';
import { buildStackStatus, StatusHub, type StatusMessage } from '@/lib/status';
import { loadOverview } from '@/lib/views/overview';
import { ENGINE_DEADLINE_MS } from '@/lib/status/snapshot';
import { closeDb, openDb } from '@/lib/store/db';

const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'scripts', 'tls-engines.sh');
const tlsEngines = (...args: string[]) => execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

let dir: string;
let engines: { name: string; host: string }[];
let tlsDir: string;
let east: Stack;
let west: Stack;
let hub: StatusHub;
const messages: { stack: string; m: StatusMessage; at: number }[] = [];
const savedDataDir = process.env.OPSDECK_DATA_DIR;

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;
async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

const COMPOSE = `services:
  worker:
    image: opsdeck/base:trixie
    command: ["sleep", "infinity"]
    init: true
    restart: always
`;

function writeConfig(name: string, stacks: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `stacks:\n${stacks}`);
  return file;
}

const load = (file: string) => loadStacks({ configPath: file, cwd: dir, env: {} });
const workerState = async (stack: Stack) => (await buildStackStatus(stack)).services.find((s) => s.name === 'worker')?.state;

beforeAll(async () => {
  tlsEngines('up');
  const vars = tlsEngines('env');
  tlsDir = /OPSDECK_TLS_DIR=(\S+)/.exec(vars)![1];
  engines = /OPSDECK_TLS_ENGINES="([^"]+)"/.exec(vars)![1].split(' ').map((e) => {
    const [name, host] = e.split('=');
    return { name, host };
  });
  expect(engines.length).toBeGreaterThanOrEqual(2);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-multi-host-'));
  process.env.OPSDECK_DATA_DIR = path.join(dir, 'data');
  openDb(path.join(dir, 'opsdeck.db'));
  fs.writeFileSync(path.join(dir, 'compose.yml'), COMPOSE);
  // One stack per form of the TLS settings: a certDir, and the three files named one by one.
  [east, west] = load(writeConfig('opsdeck.yaml', `  - name: east
    project: opsdeck-test-mh-east
    compose: compose.yml
    docker: { host: "${engines[0].host}", tls: { certDir: "${tlsDir}/client" } }
  - name: west
    project: opsdeck-test-mh-west
    compose: compose.yml
    docker: { host: "${engines[1].host}", tls: { ca: "${tlsDir}/ca/ca.pem", cert: "${tlsDir}/client/client-cert.pem", key: "${tlsDir}/client/client-key.pem" } }
`));
  for (const stack of [east, west]) {
    const r = await runCompose(composeProjectOf(stack), ['up', '-d']);
    expect(r.code, r.stderr).toBe(0);
  }
});

afterAll(async () => {
  hub?.stop();
  try {
    tlsEngines('start', engines[0].name);
    for (const stack of [east, west]) if (stack) await runCompose(composeProjectOf(stack), ['down', '-v']);
  } finally {
    tlsEngines('down');
    closeDb();
    if (savedDataDir === undefined) delete process.env.OPSDECK_DATA_DIR;
    else process.env.OPSDECK_DATA_DIR = savedDataDir;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('stacks on two Docker hosts over TCP with TLS', () => {
  it('deploys each stack through the compose CLI onto its own engine; both statuses are right', async () => {
    expect(east.docker).toEqual({ host: engines[0].host, tls: { ca: `${tlsDir}/client/ca.pem`, cert: `${tlsDir}/client/cert.pem`, key: `${tlsDir}/client/key.pem` } });
    for (const stack of [east, west]) {
      const status = await buildStackStatus(stack);
      expect(status.error).toBeUndefined();
      expect(status.services.map((s) => [s.name, s.state])).toEqual([['worker', 'running']]);
    }
    // Each container is on its own engine only: east's project asked of west's engine has none.
    const eastOnWest = { ...east, docker: west.docker };
    expect((await listStackServices(eastOnWest)).map((s) => [s.name, s.instances.length])).toEqual([['worker', 0]]);
  });

  it('one engine stopped while the hub watches: its stack is "engine unreachable" within seconds, the other keeps working, then it recovers', async () => {
    hub = new StatusHub();
    hub.start({ stacks: () => [east, west], sampleEveryMs: 1000, databaseEveryMs: 60_000 });
    for (const stack of [east, west]) hub.subscribe(stack.name, (m) => messages.push({ stack: stack.name, m, at: Date.now() }));
    await until('both engines followed', () => hub.engineState(east).connected && hub.engineState(west).connected);

    const from = messages.length;
    tlsEngines('stop', engines[0].name);
    const stoppedAt = Date.now();
    const label = engines[0].host.replace('tcp://', 'https://');
    const unreachable = new RegExp(`^engine unreachable: ${label.replace(/[.]/g, '\\.')}: connection refused`);
    // The stream's end comes first ("the connection was reset"), then each reconnect is refused.
    const engineAway = new RegExp(`^engine unreachable: ${label.replace(/[.]/g, '\\.')}: `);
    const down = await until('east pushed as unreachable', () =>
      messages.slice(from).find((x) => x.stack === 'east' && x.m.type === 'status' && unreachable.test(x.m.status.error ?? '')), 10_000);
    console.log(`[multi-host] east unreachable on its page ${down.at - stoppedAt} ms after its dockerd was gone`);
    expect(down.at - stoppedAt).toBeLessThan(5000);
    expect(down.m.type === 'status' && down.m.status).toMatchObject({ services: [], engineUnreachable: true });
    // The engine's state may come just before or after that status (a container's last events can
    // trigger a status read before the stream's end is seen): both within seconds.
    const away = await until('east engine reported away', () =>
      messages.slice(from).find((x) => x.stack === 'east' && x.m.type === 'engine' && !x.m.connected && engineAway.test(x.m.message ?? '')), 10_000);
    expect(away.at - stoppedAt).toBeLessThan(5000);
    expect(hub.engineState(east)).toMatchObject({ connected: false });

    // No call hangs on the engine that is gone: each answers, refused, at once.
    const status = await timed(() => buildStackStatus(east));
    expect(status.value.error).toMatch(unreachable);
    expect(status.ms).toBeLessThan(3000);
    const listing = await timed(() => listStackServices(east).then(() => 'answered', (e: Error) => e.message));
    expect(listing.value).toMatch(/^Docker is not reachable at https:\/\/.*: connection refused/);
    expect(listing.ms).toBeLessThan(3000);

    // The other engine's stack: fine, and its live feed still delivers a restart done meanwhile.
    expect(hub.engineState(west)).toEqual({ connected: true });
    expect(messages.slice(from).some((x) => x.stack === 'west' && x.m.type === 'engine')).toBe(false);
    const westFrom = messages.length;
    expect((await runLifecycle(west, 'restart')).containers.map((c) => c.outcome)).toEqual(['done']);
    await until('west restart event during east outage', () => messages.slice(westFrom).find((x) => x.stack === 'west' && x.m.type === 'event' && x.m.event.action === 'start'), 15_000);
    expect(await workerState(west)).toBe('running');

    const recoverFrom = messages.length;
    const startedAt = Date.now();
    tlsEngines('start', engines[0].name);
    const back = await until('east recovered on its page', () =>
      messages.slice(recoverFrom).find((x) => x.stack === 'east' && x.m.type === 'status' && !x.m.status.error && x.m.status.services.some((s) => s.name === 'worker')), 30_000);
    console.log(`[multi-host] east back on its page ${back.at - startedAt} ms after its dockerd was started`);
    expect(hub.engineState(east)).toEqual({ connected: true });
    await until('east worker running again (restart: always)', async () => (await workerState(east)) === 'running', 30_000);
    hub.stop();
  });

  it('one engine stopped: /api/ready\'s body and the overview\'s Docker line say it is unreachable and the other fine; Opsdeck stays ready', async () => {
    // readiness() and loadOverview() read the configured stacks, as the route and the page do.
    const savedConfig = process.env.OPSDECK_CONFIG;
    process.env.OPSDECK_CONFIG = path.join(dir, 'opsdeck.yaml');
    clearStackCache();
    const [eastLabel, westLabel] = engines.map((e) => e.host.replace('tcp://', 'https://'));
    try {
      const before = await readiness();
      expect(before.engines.filter((e) => !e.default)).toEqual([{ default: false, reachable: true, stacks: ['east'] }, { default: false, reachable: true, stacks: ['west'] }]);
      tlsEngines('stop', engines[0].name);
      const r = await timed(() => readiness());
      // Opsdeck itself can serve (its store is writable): ready, with each engine's state in the body.
      expect(r.value.ready).toBe(true);
      expect(r.value.engines.filter((e) => !e.default)).toEqual([{ default: false, reachable: false, stacks: ['east'] }, { default: false, reachable: true, stacks: ['west'] }]);
      expect(r.value.engines[0].default).toBe(true);
      // The route has no auth: no engine address in the body.
      expect(JSON.stringify(r.value)).not.toContain(new URL(eastLabel).hostname);
      expect(r.ms).toBeLessThan(3000);

      const o = await loadOverview();
      expect(o.engines?.filter((e) => !e.isDefault)).toEqual([
        { label: eastLabel, isDefault: false, stacks: ['east'], ok: false, message: expect.stringMatching(/^Docker is not reachable at https:\/\/[0-9.]+:2376: connection refused/) },
        { label: westLabel, isDefault: false, stacks: ['west'], ok: true, version: expect.stringMatching(/^\d+\./) },
      ]);
      expect(o.engines?.[0].isDefault).toBe(true);
      expect(o.stacks.find((s) => s.stack.name === 'east')).toMatchObject({ services: null, engineDown: true, error: `Service state unknown: Docker is not reachable at ${eastLabel}.` });
      const westRow = o.stacks.find((s) => s.stack.name === 'west')!;
      expect(westRow.engineDown).toBeUndefined();
      expect(westRow.services?.map((s) => [s.name, s.state])).toEqual([['worker', 'running']]);
    } finally {
      tlsEngines('start', engines[0].name);
      if (savedConfig === undefined) delete process.env.OPSDECK_CONFIG;
      else process.env.OPSDECK_CONFIG = savedConfig;
    }
    process.env.OPSDECK_CONFIG = path.join(dir, 'opsdeck.yaml');
    try {
      await until('east reachable again in readiness', async () => (await readiness()).engines.find((e) => e.stacks.includes('east'))?.reachable, 30_000);
    } finally {
      if (savedConfig === undefined) delete process.env.OPSDECK_CONFIG;
      else process.env.OPSDECK_CONFIG = savedConfig;
      clearStackCache();
    }
  });

  it('an engine that accepts connections but does not answer (dockerd frozen): the status says so within its deadline', async () => {
    tlsEngines('freeze', engines[1].name);
    try {
      const status = await timed(() => buildStackStatus(west));
      console.log(`[multi-host] west status with its dockerd frozen: ${status.ms} ms: ${status.value.error}`);
      expect(status.value.error).toMatch(/^engine unreachable: https:\/\/[0-9.]+:2376: the engine accepted the connection but did not answer within 8 s/);
      expect(status.ms).toBeLessThan(ENGINE_DEADLINE_MS + 1000);
    } finally {
      tlsEngines('thaw', engines[1].name);
    }
    await until('west answers again', async () => (await workerState(west)) === 'running');
  });

  it('refuses a config whose key is not the certificate\'s, naming the file and the key', () => {
    const file = writeConfig('wrong-key.yaml', `  - name: east
    compose: compose.yml
    docker: { host: "${engines[0].host}", tls: { ca: "${tlsDir}/ca/ca.pem", cert: "${tlsDir}/client/cert.pem", key: "${tlsDir}/foreign/key.pem" } }
`);
    let error: unknown;
    try {
      load(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { file, key: 'stacks[0].docker.tls.key', message: `is not the private key of the client certificate ${tlsDir}/client/cert.pem` },
    ]);
  });

  it('a client certificate of another CA: the engine refuses it, and the status says so', async () => {
    const [stranger] = load(writeConfig('stranger.yaml', `  - name: east
    project: opsdeck-test-mh-east
    compose: compose.yml
    docker: { host: "${engines[1].host}", tls: { certDir: "${tlsDir}/foreign" } }
`));
    const status = await timed(() => buildStackStatus(stranger));
    expect(status.value.error).toMatch(/^engine unreachable: https:\/\/[0-9.]+:2376: the engine (refused Opsdeck's client certificate|requires a client certificate)/);
    expect(status.ms).toBeLessThan(3000);
  });
});
