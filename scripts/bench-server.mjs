// npm run bench:server — the production server's footprint, measured here and now:
//   cold start to ready (/api/ready 200), idle RSS with the demo stack configured and no page
//   open, and RSS with 10 log streams open. Targets: < 3 s, < 120 MB, < 180 MB.
// Builds the standalone output (as the Dockerfile does) into .next-bench, starts a demo stack
// under an `opsdeck-test-bench-*` project, prints the figures, cleans up.
import './engine-env.mjs';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = '.next-bench';
const PASSWORD = 'bench-admin-password-1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const compose = (project, envFile, args) => execFileSync('docker-compose', ['-p', project, '-f', path.join(ROOT, 'examples/demo/compose.yml'), '--env-file', envFile, ...args], { stdio: 'pipe' });

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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-server-'));
console.log('building the standalone output…');
execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { cwd: ROOT, env: { ...process.env, OPSDECK_STANDALONE: '1', NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'pipe' });
const stack = await demoStack(dir);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let server;
try {
  await sleep(8000); // let the demo stack reach healthy so the server's first view is a normal one
  const t0 = performance.now();
  server = spawn(process.execPath, [path.join(ROOT, DIST, 'standalone/server.js')], {
    cwd: path.join(ROOT, DIST, 'standalone'),
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOSTNAME: '127.0.0.1', OPSDECK_DATA_DIR: dir, OPSDECK_ADMIN_PASSWORD: PASSWORD, NEXTAUTH_URL: base, OPSDECK_DEMO_ENV_FILE: stack.envFile, OPSDECK_DEMO_PROJECT: stack.project, OPSDECK_CONFIG: '' },
    stdio: 'ignore',
  });
  for (;;) {
    const ok = await fetch(`${base}/api/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (performance.now() - t0 > 30_000) throw new Error('server not ready within 30 s');
    await sleep(25);
  }
  const coldMs = performance.now() - t0;
  await sleep(10_000);
  const idle = rssMb(server.pid);
  const cookie = await signIn(base);
  const streams = [];
  for (let i = 0; i < 10; i++) {
    const ac = new AbortController();
    const res = await fetch(`${base}/api/stacks/demo/logs?service=memos&tail=100`, { headers: { cookie }, signal: ac.signal });
    if (res.status !== 200) throw new Error(`log stream answered ${res.status}`);
    const reader = res.body.getReader();
    (async () => { try { for (;;) { const { done } = await reader.read(); if (done) break; } } catch {} })();
    streams.push(ac);
  }
  await sleep(10_000);
  const withStreams = rssMb(server.pid);
  for (const ac of streams) ac.abort();
  const row = (name, value, target, unit) => console.log(`${name.padEnd(34)} ${value.toFixed(unit === 'ms' ? 0 : 1).padStart(8)} ${unit}   target < ${target} ${unit}   ${value < target ? 'PASS' : 'FAIL'}`);
  console.log(`\nOpsdeck production server (standalone, node ${process.version}, ${os.cpus().length} cores)`);
  row('cold start to /api/ready', coldMs, 3000, 'ms');
  row('idle RSS (demo stack, no page)', idle, 120, 'MB');
  row('RSS with 10 log streams open', withStreams, 180, 'MB');
} finally {
  server?.kill('SIGTERM');
  compose(stack.project, stack.envFile, ['down', '-v']);
  fs.rmSync(dir, { recursive: true, force: true });
}
