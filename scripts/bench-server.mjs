// npm run bench:server — the production server's footprint after real use, measured here and now,
// for the standalone server (what the image runs: `node server.js`) and for `next start` (what
// `npm start` runs), each against the same demo stack:
//   cold start to ready (/api/ready 200)                                   target < 3 s
//   RSS idle after start (10 s, no page served)                            (printed, no target)
//   RSS after a signed-in tour of every page, twice, then 10 s of rest     target < 120 MB
//   RSS peak with 20 live log tails and 5 status streams open for 60 s     target < 150 MB
// RSS is the sum over the server's process tree (`next start` may fork). Prints PASS/FAIL per
// figure and exits 1 when one fails. Builds the standalone output (as the Dockerfile does) into
// .next-bench, starts a demo stack under an `opsdeck-test-bench-*` project, cleans up.
import './engine-env.mjs';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { treeRss } from './bench-logs-lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = process.env.NEXT_DIST_DIR || '.next-bench';
const PASSWORD = 'bench-admin-password-1';
const TAIL_SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const compose = (project, envFile, args) => execFileSync('docker-compose', ['-p', project, '-f', path.join(ROOT, 'examples/demo/compose.yml'), '--env-file', envFile, ...args], { stdio: 'pipe' });

/**
 * The Node flags each server is started with where it ships: the image's `CMD ["node", …flags,
 * "server.js"]` and scripts/run.sh's `exec node …flags node_modules/next/dist/bin/next start`.
 */
function shippedNodeFlags() {
  const cmd = /^CMD (\[.*\])$/m.exec(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const image = cmd ? JSON.parse(cmd[1]) : [];
  if (image[0] !== 'node' || image.at(-1) !== 'server.js') throw new Error('Dockerfile: no CMD ["node", …, "server.js"]');
  const run = /^exec node (.*?)\s*node_modules\/next\/dist\/bin\/next start /m.exec(fs.readFileSync(path.join(ROOT, 'scripts/run.sh'), 'utf8'));
  if (!run) throw new Error('scripts/run.sh: no `exec node … node_modules/next/dist/bin/next start` line');
  return { standalone: image.slice(1, -1), 'next start': run[1].split(/\s+/).filter(Boolean) };
}
// BENCH_NODE_FLAGS replaces the shipped flags in both modes, to weigh a flag before shipping it.
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS === undefined
  ? shippedNodeFlags()
  : Object.fromEntries(['standalone', 'next start'].map((m) => [m, process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean)]));

/** RSS in MB of `pid` and every process below it. */
const treeRssMb = (pid) => treeRss(pid) / 1048576;

async function demoStack(dir) {
  const project = `opsdeck-test-bench-${crypto.randomBytes(3).toString('hex')}`;
  const pg = await freePort();
  const app = await freePort();
  const env = fs.readFileSync(path.join(ROOT, 'examples/demo/.env'), 'utf8')
    .replace(/^POSTGRES_PORT=.*$/m, `POSTGRES_PORT=${pg}`).replace(/^MEMOS_PORT=.*$/m, `MEMOS_PORT=${app}`)
    .replace(/127\.0\.0\.1:55432/g, `127.0.0.1:${pg}`).replace(/127\.0\.0\.1:5230/g, `127.0.0.1:${app}`);
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(envFile, env);
  compose(project, envFile, ['up', '-d']);
  return { project, envFile };
}

async function signIn(base) {
  const jar = new Map();
  const keep = (res) => { for (const c of res.headers.getSetCookie()) { const [p] = c.split(';'); const i = p.indexOf('='); jar.set(p.slice(0, i), p.slice(i + 1)); } };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${base}/api/auth/csrf`); keep(csrf);
  const { csrfToken } = await csrf.json();
  keep(await fetch(`${base}/api/auth/callback/credentials`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() }, body: new URLSearchParams({ csrfToken, username: 'admin', password: PASSWORD, json: 'true' }) }));
  return cookie();
}

const PAGES = ['/', '/stacks/demo', '/stacks/demo/logs', '/stacks/demo/backups', '/stacks/demo/deploy', '/stacks/demo/ai', '/stacks/demo/config', '/stacks/demo/notifications', '/account/password', '/account/security', '/account/tokens', '/admin/users', '/admin/audit'];

/** Opens a streaming GET and reads it until aborted. */
async function openStream(url, cookie, ac) {
  const res = await fetch(url, { headers: { cookie }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const reader = res.body.getReader();
  (async () => { try { for (;;) { const { done } = await reader.read(); if (done) break; } } catch { /* aborted */ } })();
}

async function measure(mode, stack, dir, fixedPort) {
  // BENCH_PORT pins the servers' ports (standalone there, `next start` one above) when free ones
  // are not wanted, e.g. beside other servers on a shared machine.
  const port = fixedPort ?? await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(dir, `data-${mode.replace(/\W/g, '')}-`));
  const env = { ...process.env, NODE_ENV: 'production', PORT: String(port), HOSTNAME: '127.0.0.1', OPSDECK_DATA_DIR: dataDir, OPSDECK_ADMIN_PASSWORD: PASSWORD, NEXTAUTH_URL: base, OPSDECK_DEMO_ENV_FILE: stack.envFile, OPSDECK_DEMO_PROJECT: stack.project, OPSDECK_CONFIG: '', NEXT_DIST_DIR: DIST };
  const t0 = performance.now();
  const server = mode === 'standalone'
    ? spawn(process.execPath, [...NODE_FLAGS[mode], path.join(ROOT, DIST, 'standalone/server.js')], { cwd: path.join(ROOT, DIST, 'standalone'), env, stdio: 'ignore' })
    : spawn(process.execPath, [...NODE_FLAGS[mode], path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: ROOT, env, stdio: 'ignore' });
  const streams = [];
  try {
    for (;;) {
      const ok = await fetch(`${base}/api/ready`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (performance.now() - t0 > 30_000) throw new Error(`${mode}: not ready within 30 s`);
      await sleep(25);
    }
    const coldMs = performance.now() - t0;
    await sleep(10_000);
    const idle = treeRssMb(server.pid);
    const cookie = await signIn(base);
    for (let round = 0; round < 2; round++) {
      for (const p of PAGES) {
        const res = await fetch(`${base}${p}`, { headers: { cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${mode}: ${p} answered ${res.status}`);
      }
    }
    await sleep(10_000);
    const afterTour = treeRssMb(server.pid);
    for (let i = 0; i < 20; i++) {
      const ac = new AbortController();
      streams.push(ac);
      await openStream(`${base}/api/stacks/demo/logs?service=${i % 2 ? 'memos' : 'postgres'}&tail=100`, cookie, ac);
    }
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController();
      streams.push(ac);
      await openStream(`${base}/api/stacks/demo/status`, cookie, ac);
    }
    let peak = 0;
    for (let s = 0; s < TAIL_SECONDS; s += 2) {
      await sleep(2000);
      peak = Math.max(peak, treeRssMb(server.pid));
    }
    return { mode, coldMs, idle, afterTour, peak };
  } finally {
    for (const ac of streams) ac.abort();
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-server-'));
// BENCH_SKIP_BUILD=1 reuses the last build in DIST (to compare run-time settings on one build).
if (process.env.BENCH_SKIP_BUILD !== '1') {
  console.log('building the standalone output…');
  execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { cwd: ROOT, env: { ...process.env, OPSDECK_STANDALONE: '1', NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'pipe' });
  // As the Dockerfile does after its build.
  execFileSync(process.execPath, ['scripts/ascii-server-chunks.mjs', DIST], { cwd: ROOT, stdio: 'pipe' });
}
const stack = await demoStack(dir);
let failed = false;
try {
  await sleep(8000); // let the demo stack reach healthy so the server's first view is a normal one
  const results = [];
  const basePort = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : null;
  for (const [i, mode] of (process.env.BENCH_MODES ?? 'standalone,next start').split(',').entries()) results.push(await measure(mode, stack, dir, basePort === null ? undefined : basePort + i));
  console.log(`\nOpsdeck production server (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; RSS of the process tree)`);
  console.log(`node flags: standalone ${NODE_FLAGS.standalone.join(' ') || '(none)'}; next start ${NODE_FLAGS['next start'].join(' ') || '(none)'}`);
  const row = (mode, name, value, target, unit) => {
    const verdict = target === null ? '' : value < target ? 'PASS' : 'FAIL';
    if (verdict === 'FAIL') failed = true;
    console.log(`${mode.padEnd(11)} ${name.padEnd(44)} ${value.toFixed(unit === 'ms' ? 0 : 1).padStart(8)} ${unit}   ${target === null ? '(no target)' : `target < ${target} ${unit}`}   ${verdict}`);
  };
  for (const r of results) {
    row(r.mode, 'cold start to /api/ready', r.coldMs, 3000, 'ms');
    row(r.mode, 'RSS idle after start (no page served)', r.idle, null, 'MB');
    row(r.mode, 'RSS after a tour of every page, twice', r.afterTour, 120, 'MB');
    row(r.mode, `RSS peak, 20 log tails + 5 status streams, ${TAIL_SECONDS} s`, r.peak, 150, 'MB');
  }
} finally {
  compose(stack.project, stack.envFile, ['down', '-v']);
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
