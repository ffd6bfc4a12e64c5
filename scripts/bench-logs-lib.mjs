// Helpers for scripts/bench-logs.mjs (and the other benches): a throwaway compose project of log generators, an Opsdeck
// production server pointed at it, a signed-in session, and process measurements. Plain Node.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.slice(-1500)}`);
  return r.stdout;
}

/** A compose project `opsdeck-test-bench-*` (removed by setup-env.sh --cleanup-tests if left over). */
export function benchProject(services) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-logs-'));
  const project = `opsdeck-test-bench-${crypto.randomBytes(3).toString('hex')}`;
  const file = path.join(dir, 'compose.yml');
  const yaml = ['services:'];
  for (const [name, env] of Object.entries(services)) {
    yaml.push(`  ${name}:`, '    image: opsdeck/loggen', '    network_mode: none', '    environment:');
    for (const [k, v] of Object.entries(env)) yaml.push(`      ${k}: "${v}"`);
  }
  fs.writeFileSync(file, yaml.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'opsdeck.yaml'), `stacks:\n  - name: bench\n    preset: generic\n    compose: compose.yml\n    project: ${project}\n`);
  const compose = (...args) => run('docker-compose', ['--ansi', 'never', '-p', project, '-f', file, ...args], { cwd: dir });
  return {
    dir,
    project,
    config: path.join(dir, 'opsdeck.yaml'),
    up: (svc) => compose('up', '-d', svc),
    stop: (svc) => compose('stop', '-t', '1', svc),
    container: (svc) => run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${svc}`]).trim(),
    down() {
      spawnSync('docker-compose', ['--ansi', 'never', '-p', project, '-f', file, 'down', '-v', '-t', '1'], { cwd: dir, stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `next start` on the production build in NEXT_DIST_DIR (default .next), in its own process group. */
export async function startServer({ config, port, password }) {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(ROOT, distDir, 'BUILD_ID'))) {
    throw new Error(`No production build in ${distDir}: run \`NEXT_DIST_DIR=${distDir} npx next build\` first.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-data-'));
  const logFile = path.join(dataDir, 'server.log');
  const out = fs.openSync(logFile, 'a');
  // BENCH_NODE_FLAGS: V8/Node flags for the server, e.g. to weigh the ones the image ships with.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...flags, path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', OPSDECK_CONFIG: config, OPSDECK_DATA_DIR: dataDir, OPSDECK_ADMIN_PASSWORD: password, NEXTAUTH_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', out, out],
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  for (let t = Date.now(); Date.now() - t < 60_000; await sleep(300)) {
    if (child.exitCode !== null) throw new Error(`Opsdeck exited (${child.exitCode}); see ${logFile}`);
    if (await fetch(`${base}/signin`).then((r) => r.ok, () => false)) {
      return {
        base,
        pid: child.pid,
        logFile,
        stop() {
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {}
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
  }
  throw new Error(`Opsdeck did not start; see ${logFile}`);
}

/** next-auth credentials sign-in over HTTP; returns the cookies of the session. */
export async function signIn(base, username, password) {
  const jar = new Map();
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  keep(csrfRes);
  const { csrfToken } = await csrfRes.json();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie() },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: base, json: 'true' }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) throw new Error(`sign-in failed (${res.status})`);
  return { header: cookie(), list: [...jar].map(([name, value]) => ({ name, value, domain: '127.0.0.1', path: '/' })) };
}

/** Resident memory (bytes) of a process and all its descendants. */
export function treeRss(pid) {
  const children = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {}
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {}
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** CPU seconds (user + system) used so far by a process and its descendants. */
export function treeCpu(pid) {
  const tick = 100; // USER_HZ on Linux
  const kids = new Map();
  const cpu = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) / tick);
    } catch {}
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    total += cpu.get(p) ?? 0;
    stack.push(...(kids.get(p) ?? []));
  }
  return total;
}

export function pidOf(name) {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name) return Number(d);
    } catch {}
  }
  return null;
}

export const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
export const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;

/** Counts SSE line records (`data: o…` / `data: e…`) in a response body until `stopAt` or the end. */
export async function countSse(url, cookie, stopAt) {
  const ctrl = new AbortController();
  const t0 = performance.now();
  const res = await fetch(url, { headers: { Cookie: cookie }, signal: ctrl.signal });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  const needle = Buffer.from('\ndata: ');
  let lines = 0;
  let carry = Buffer.alloc(0);
  try {
    for await (const chunk of res.body) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) {
        const kind = buf[i + needle.length];
        if (kind === 111 || kind === 101) lines++;
      }
      carry = buf.subarray(Math.max(0, buf.length - needle.length));
      if (lines >= stopAt) break;
    }
  } finally {
    ctrl.abort();
  }
  return { lines, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Follows a status stream (/api/stacks/<name>/status). `waitFor(pred)` resolves with the time
 * (performance.now()) the first status matching `pred` arrived, at once when the last one does;
 * `current()` is the last status.
 */
export async function followStatus(url, cookie) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Cookie: cookie }, signal: controller.signal });
  if (!res.ok) throw new Error(`status stream: HTTP ${res.status}`);
  const waiters = new Set();
  let last = null;
  (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const data = buf.slice(0, i).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          buf = buf.slice(i + 2);
          const m = data ? JSON.parse(data) : null;
          if (m?.type !== 'status') continue;
          last = m.status;
          const at = performance.now();
          for (const w of [...waiters]) if (w.pred(last) && waiters.delete(w)) w.resolve(at);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return {
    waitFor: (pred, timeoutMs = 30_000) => new Promise((resolve, reject) => {
      if (last && pred(last)) return resolve(performance.now());
      const w = { pred, resolve };
      waiters.add(w);
      setTimeout(() => waiters.delete(w) && reject(new Error(`no matching status within ${timeoutMs / 1000} s`)), timeoutMs).unref();
    }),
    current: () => last,
    close: () => controller.abort(),
  };
}

/**
 * The raw tool at its fastest: `docker logs --timestamps` on each container, all at once, their
 * output going straight to /dev/null (no pipe to this process, nothing parsed in JavaScript).
 * Returns the wall time until the last one exits. The line counts are checked apart, untimed
 * (countDockerLines), so the timed run does only what a user's `docker logs > /dev/null` does.
 */
export function drainDockerLogs(containers) {
  const t0 = performance.now();
  return Promise.all(
    containers.map(
      (id) =>
        new Promise((resolve, reject) => {
          const sink = fs.openSync('/dev/null', 'w');
          const child = spawn('docker', ['logs', '--timestamps', id], { stdio: ['ignore', sink, sink] });
          child.on('error', reject);
          child.on('close', (code) => {
            fs.closeSync(sink);
            if (code === 0) resolve();
            else reject(new Error(`docker logs ${id} exited ${code}`));
          });
        }),
    ),
  ).then(() => ({ seconds: (performance.now() - t0) / 1000 }));
}

/** Lines `docker logs` prints for a container (both streams), counted once, outside any timing. */
export function countDockerLines(container) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['logs', container], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    const count = (chunk) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    };
    child.stdout.on('data', count);
    child.stderr.on('data', count);
    child.on('error', reject);
    child.on('close', () => resolve(lines));
  });
}
