#!/usr/bin/env node
// npm run bench:swarm — a Swarm stack on the three-node cluster of scripts/swarm-bed.sh (started when
// it is not up), against the raw tool in the same run:
//   Status: a task's container is killed on the manager's node; times, from the kill command,
//           `docker events` on the manager printing its die (the floor) and Opsdeck's status stream
//           (/api/stacks/<name>/status, what the page reads) showing that task no longer running.
//           Target: p95 ≤ 5 s (the issue's bound), with the ratio to `docker events` printed.
//   Logs:   a service writing LINES numbered lines from each of its 3 tasks (one per node), read
//           whole: `docker service logs --timestamps --details` on the manager, its output drained
//           by the harness (counted, not parsed), vs Opsdeck's merged reader (lib/docker/swarm-logs:
//           the same engine call, split into lines, tagged with service, slot and node, merged in
//           time order), in ROUNDS interleaved pairs; median ratio of throughput. Target ≥ 0.9×.
// Prints each figure with PASS or FAIL and exits 1 on a FAIL. Needs a production build (NEXT_DIST_DIR,
// default .next) for the status part. Env: ROUNDS (default 5), LINES (per task, default 40000),
// OPSDECK_SWARM_PREFIX (the cluster, default swarm).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJiti } from 'jiti';
import { followStatus, freePort, ROOT, signIn, sleep, startServer } from './bench-logs-lib.mjs';

const ROUNDS = Number(process.env.ROUNDS || 5);
const LINES = Number(process.env.LINES || 40_000);
const PASSWORD = 'bench-admin-password-1';
const PROJECT = 'opsdeck-test-benchswarm';
const bed = path.join(ROOT, 'scripts', 'swarm-bed.sh');
const log = (...a) => console.log(`[bench-swarm ${new Date().toISOString().slice(11, 19)}]`, ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

execFileSync('bash', [bed, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
for (const line of execFileSync('bash', [bed, 'env'], { encoding: 'utf8' }).split('\n')) {
  const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
  if (m) process.env[m[1]] = m[1] === 'PATH' ? `${m[2].split(':')[0]}:${process.env.PATH}` : m[2].replace(/^'(.*)'$/, '$1');
}
const ENGINES = process.env.OPSDECK_SWARM_NODES.split(',');
const MANAGER = ENGINES[0];
const docker = (...args) => {
  const r = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: MANAGER } });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-swarm-'));
const file = path.join(dir, 'stack.yml');
// One task per node for both services, so a kill on the manager's node hits a known task and the
// logs come from all three nodes. No network: the services talk to nobody.
const service = (env) => [
  '    image: opsdeck/loggen:latest',
  '    environment:',
  ...Object.entries(env).map(([k, v]) => `      ${k}: "${v}"`),
  '    deploy:',
  '      replicas: 3',
  '      placement: { max_replicas_per_node: 1 }',
  '      restart_policy: { condition: any, delay: 1s }',
];
fs.writeFileSync(file, ['services:', '  app:', ...service({ LOG_RATE: 2 }), '  spam:', ...service({ LOG_RATE: 0, LOG_COUNT: LINES, LOG_JSON: 1 }), ''].join('\n'));
const config = path.join(dir, 'opsdeck.yaml');
fs.writeFileSync(config, [
  'stacks:',
  '  - name: bench',
  '    preset: generic',
  '    runtime: swarm',
  `    project: ${PROJECT}`,
  `    compose: ${file}`,
  `    swarm: { manager: "${MANAGER}", nodes: { ${ENGINES.map((e, i) => `swarm${i + 1}: "${e}"`).join(', ')} } }`,
  '    app: { service: app }',
  '',
].join('\n'));

const jiti = createJiti(import.meta.url, { alias: { '@': ROOT, 'server-only': path.join(ROOT, 'tests/support/server-only.ts') } });
const { loadStacks } = await jiti.import(path.join(ROOT, 'lib/stacks/index.ts'));
const { readSwarmLogs } = await jiti.import(path.join(ROOT, 'lib/docker/swarm-logs.ts'));
const [stack] = loadStacks({ cwd: dir, env: { OPSDECK_CONFIG: config } });

/** `docker events` on the manager for one container's die; resolves with the time it was printed. */
function dieEvent(id) {
  const p = spawn('docker', ['events', '--filter', `container=${id}`, '--filter', 'event=die', '--format', '{{.Action}}'], { env: { ...process.env, DOCKER_HOST: MANAGER } });
  const seen = new Promise((resolve) => p.stdout.once('data', () => resolve(performance.now())));
  return { seen, close: () => p.kill() };
}

const appTasks = (s) => s?.swarm?.services.find((x) => x.name === 'app')?.tasks ?? [];
const onManager = (s) => appTasks(s).find((t) => t.node === 'swarm1' && t.state === 'running' && t.desiredState === 'running');

/** Drains `docker service logs` as the raw side: bytes and newlines counted, nothing parsed. */
function rawLogs() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('docker', ['service', 'logs', '--timestamps', '--details', `${PROJECT}_spam`], { env: { ...process.env, DOCKER_HOST: MANAGER }, stdio: ['ignore', 'pipe', 'ignore'] });
    let lines = 0;
    p.stdout.on('data', (d) => {
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, lines }) : reject(new Error(`docker service logs exited ${code}`))));
  });
}

async function ourLogs() {
  const t0 = performance.now();
  const lines = await readSwarmLogs(stack, { services: ['spam'] });
  return { ms: performance.now() - t0, lines: lines.length };
}

let server;
let stream;
let failed = false;
try {
  spawnSync('docker', ['stack', 'rm', PROJECT], { env: { ...process.env, DOCKER_HOST: MANAGER } });
  await sleep(2000);
  log(`deploying ${PROJECT} (app and spam, 3 tasks each, one per node)`);
  docker('stack', 'deploy', '-c', file, PROJECT);
  const expected = 3 * LINES;
  for (const deadline = Date.now() + 300_000; ; await sleep(2000)) {
    const n = (await ourLogs().catch(() => ({ lines: 0 }))).lines;
    if (n >= expected) break;
    if (Date.now() > deadline) throw new Error(`the spam tasks wrote ${n} of ${expected} lines within 5 minutes`);
  }

  server = await startServer({ config, port: await freePort(), password: PASSWORD });
  const session = await signIn(server.base, 'admin', PASSWORD);
  stream = await followStatus(`${server.base}/api/stacks/bench/status`, session.header);
  const status = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await stream.waitFor((s) => appTasks(s).filter((t) => t.state === 'running' && t.desiredState === 'running').length === 3 && onManager(s), 120_000);
    const task = onManager(stream.current());
    const id = docker('ps', '-q', '--filter', `label=com.docker.swarm.task.id=${task.id}`).trim();
    if (!id) throw new Error(`no container of task ${task.id} on the manager`);
    const die = dieEvent(id);
    await sleep(500); // the CLI's event stream is connected
    const shown = stream.waitFor((s) => appTasks(s).some((t) => t.id === task.id && t.state !== 'running'), 60_000);
    const t0 = performance.now();
    docker('kill', id);
    const [cli, page] = await Promise.all([die.seen, shown]);
    die.close();
    status.push({ cli: cli - t0, page: page - t0 });
    log(`round ${round}: docker events ${(cli - t0).toFixed(0)} ms, status stream ${(page - t0).toFixed(0)} ms`);
  }

  const pairs = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? ['raw', 'ours'] : ['ours', 'raw'];
    const got = {};
    for (const side of order) got[side] = side === 'raw' ? await rawLogs() : await ourLogs();
    if (got.ours.lines !== expected) throw new Error(`Opsdeck read ${got.ours.lines} lines, expected ${expected}`);
    if (got.raw.lines !== expected) throw new Error(`docker service logs printed ${got.raw.lines} lines, expected ${expected}`);
    pairs.push(got);
    log(`round ${round}: docker service logs ${got.raw.ms.toFixed(0)} ms, Opsdeck ${got.ours.ms.toFixed(0)} ms (${expected} lines)`);
  }

  const col = (k) => status.map((x) => x[k]);
  const p95 = pct(col('page'), 95);
  const statusOk = p95 <= 5000;
  const ratios = pairs.map((p) => p.raw.ms / p.ours.ms);
  const m = median(ratios);
  const logsOk = m >= 0.9;
  failed = !statusOk || !logsOk;
  const rate = (p) => `${Math.round(expected / (p.ms / 1000))} lines/s`;
  console.log('');
  console.log(`Task killed → seen (ms from the kill, p50 / p95 of ${ROUNDS}): docker events on the manager ${pct(col('cli'), 50).toFixed(0)} / ${pct(col('cli'), 95).toFixed(0)}, ` +
    `Opsdeck's status stream ${pct(col('page'), 50).toFixed(0)} / ${p95.toFixed(0)}; ratio p95 ${(p95 / pct(col('cli'), 95)).toFixed(1)}×  target p95 ≤ 5000 ms  ${statusOk ? 'PASS' : 'FAIL'}`);
  for (const [i, p] of pairs.entries()) console.log(`  logs pair ${i + 1}: docker service logs ${rate(p.raw)}, Opsdeck ${rate(p.ours)}, ratio ${(p.raw.ms / p.ours.ms).toFixed(3)}`);
  console.log(`Merged logs of 3 tasks on 3 nodes (${expected} lines), Opsdeck / docker service logs throughput: median ${m.toFixed(3)}× (spread ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})  target ≥ 0.9×  ${logsOk ? 'PASS' : 'FAIL'}`);
} catch (e) {
  failed = true;
  console.error(`[bench-swarm] ${e instanceof Error ? e.stack : e}`);
} finally {
  stream?.close();
  server?.stop();
  spawnSync('docker', ['stack', 'rm', PROJECT], { env: { ...process.env, DOCKER_HOST: MANAGER } });
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
