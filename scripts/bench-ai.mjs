#!/usr/bin/env node
import './engine-env.mjs';
/**
 * AI-health benchmark. Starts a local fake provider (OpenAI-compatible /v1/models and friends) and a
 * production build of Opsdeck (`next start`, dist dir from NEXT_DIST_DIR, default .next) whose demo
 * stack's env file points at it, lets the scheduler probe the four env dependencies every second,
 * and compares, in the same run:
 *   1. the latency Opsdeck records for a light probe vs curl and a bare Node fetch of the same URL;
 *   2. the same with the provider slowed to 300 ms (is the recorded latency faithful?);
 *   3. the AI page's server response time vs next-auth's /api/auth/session on the same server;
 *   4. the CPU the Opsdeck process spends while probing, per probe;
 * in BENCH_ROUNDS paired rounds (default 3), with targets printed as PASS/FAIL (exit 1 on a FAIL).
 * Usage: node scripts/bench-ai.mjs   (env: NEXT_DIST_DIR, BENCH_PORT=3291, BENCH_SECONDS=20, BENCH_ROUNDS=3)
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const PORT = Number(process.env.BENCH_PORT ?? 3291);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Targets (issue 6 set none; these say what a user needs from the AI page): the latency shown for a
// real provider is within 5 % of what a bare client sees; Opsdeck adds at most 10 ms on an instant
// provider; probing costs at most 20 ms of CPU per probe; the AI page renders in under 300 ms (p95).
const TARGET = { slowRatio: 1.05, fastAddedMs: 10, cpuPerProbeMs: 20, pageP95Ms: 300 };
const median = (xs) => pct(xs, 50);
const KEY_DS = 'sk-demo-deepseek-9c3a5e7b1d20';
const KEY_SF = 'sk-demo-siliconflow-4b1e8c0d2a7f';
const PASSWORD = 'bench-admin-password-1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1] : NaN;
};
const step = (text) => process.stderr.write(`[bench-ai] ${text}\n`);
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : '—');

// ---- fake provider -------------------------------------------------------------------------
let delayMs = 0;
const MODELS = ['deepseek-chat', 'BAAI/bge-m3', 'BAAI/bge-reranker-v2-m3', 'Qwen/Qwen2.5-7B-Instruct'];
const fake = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => {
    const p = (req.url ?? '').replace(/^\/v1(?=\/)/, '');
    const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (auth !== KEY_DS && auth !== KEY_SF) return void res.writeHead(401).end('{"error":{"message":"bad key"}}');
    if (p !== '/models') return void res.writeHead(404).end('{}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: MODELS.map((id) => ({ id, object: 'model' })) }));
  }, delayMs));
});
await new Promise((r) => fake.listen(0, '127.0.0.1', r));
const fakeUrl = `http://127.0.0.1:${fake.address().port}`;

// ---- Opsdeck ---------------------------------------------------------------------------------
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-bench-ai-'));
const envFile = path.join(dir, '.env');
fs.writeFileSync(envFile, fs.readFileSync(path.join(ROOT, 'examples/demo/.env'), 'utf8')
  .replace(/^MEMOS_AI_SILICONFLOW_BASE_URL=.*$/m, `MEMOS_AI_SILICONFLOW_BASE_URL=${fakeUrl}/v1`)
  .replace(/^MEMOS_AI_DEEPSEEK_BASE_URL=.*$/m, `MEMOS_AI_DEEPSEEK_BASE_URL=${fakeUrl}`)
  // No database for this stack: the vector-column check answers "unknown" at once.
  .replace(/^POSTGRES_PORT=.*$/m, 'POSTGRES_PORT=1'));
const server = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(PORT), '-H', '127.0.0.1'], {
  cwd: ROOT,
  env: { ...process.env, NODE_ENV: 'production', OPSDECK_DATA_DIR: dir, OPSDECK_DEMO_ENV_FILE: envFile, OPSDECK_ADMIN_PASSWORD: PASSWORD, NEXTAUTH_URL: `http://127.0.0.1:${PORT}` },
  stdio: ['ignore', fs.openSync(path.join(dir, 'server.log'), 'a'), fs.openSync(path.join(dir, 'server.log'), 'a')],
});
const base = `http://127.0.0.1:${PORT}`;
const cleanup = () => {
  try { server.kill('SIGTERM'); } catch { /* gone */ }
  fake.close();
};
process.on('exit', cleanup);

for (let i = 0; ; i++) {
  if (server.exitCode !== null) throw new Error(`Opsdeck exited; see ${dir}/server.log`);
  try { if ((await fetch(`${base}/signin`)).ok) break; } catch { /* not yet */ }
  if (i > 200) throw new Error('Opsdeck did not start');
  await sleep(300);
}

step(`Opsdeck up on ${base}, data in ${dir}`);
// Probe every second (the UI's minimum is 5 s; the bench writes the store directly to get samples).
const db = new Database(path.join(dir, 'opsdeck.db'));
db.pragma('busy_timeout = 5000');
for (const dep of ['env-chat', 'env-embedding', 'env-rerank', 'env-intent']) {
  db.prepare(`INSERT OR REPLACE INTO ai_probe_settings (stack, dep, light_interval_s, deep_interval_s, latency_threshold_ms, failures_to_down, successes_to_up, updated_at)
              VALUES ('demo', ?, 1, 0, 3000, 3, 2, ?)`).run(dep, new Date().toISOString());
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
/** utime + stime of the Opsdeck process, in ms (fields 14 and 15 of /proc/PID/stat). */
const cpuMs = () => {
  const f = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
};
const opsdeckLatencies = (since) => db.prepare("SELECT latency_ms FROM ai_probe_results WHERE probe = 'light' AND ok = 1 AND at >= ?").all(since).map((r) => r.latency_ms);
// Async: the fake provider lives in this process, so a synchronous curl would wait on itself.
const curlOnce = () => new Promise((resolve, reject) => {
  execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total}', '-H', `Authorization: Bearer ${KEY_DS}`, `${fakeUrl}/v1/models`], (err, out) => (err ? reject(err) : resolve(Number(out) * 1000)));
});
async function fetchOnce() {
  const t = performance.now();
  const r = await fetch(`${fakeUrl}/v1/models`, { headers: { authorization: `Bearer ${KEY_DS}` } });
  await r.json();
  return performance.now() - t;
}
async function raw(n) {
  const curl = [];
  const node = [];
  for (let i = 0; i < n; i++) {
    curl.push(await curlOnce());
    node.push(await fetchOnce());
  }
  return { curl, node };
}

async function phase(label, delay) {
  step(`phase: ${label} (${SECONDS} s)`);
  delayMs = delay;
  const since = Date.now();
  const cpu0 = cpuMs();
  await sleep(SECONDS * 1000);
  const cpu = cpuMs() - cpu0;
  const ops = opsdeckLatencies(since + 1500);
  const r = await raw(50);
  return { label, ops, ...r, cpuPerProbe: cpu / Math.max(1, ops.length), cpuPct: (cpu / (SECONDS * 1000)) * 100 };
}

// Paired rounds: in each, Opsdeck's recorded probes and the raw clients' calls to the same provider,
// for both provider speeds; the verdicts use the median of the rounds and print the spread.
const rounds = [];
for (let i = 0; i < ROUNDS; i++) {
  step(`round ${i + 1} of ${ROUNDS}`);
  rounds.push({ fast: await phase('provider answers at once', 0), slow: await phase('provider answers in 300 ms', 300) });
}
delayMs = 0;
const pool = (key) => ({ label: rounds[0][key].label, ops: rounds.flatMap((r) => r[key].ops), curl: rounds.flatMap((r) => r[key].curl), node: rounds.flatMap((r) => r[key].node), cpuPerProbe: median(rounds.map((r) => r[key].cpuPerProbe)), cpuPct: median(rounds.map((r) => r[key].cpuPct)) });
const fast = pool('fast');
const slow = pool('slow');

step('page timing');
// Page timing, signed in as the admin.
const jar = new Map();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const keep = (res) => { for (const c of res.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar.set(kv.slice(0, i), kv.slice(i + 1)); } };
let res = await fetch(`${base}/api/auth/csrf`);
keep(res);
const { csrfToken } = await res.json();
res = await fetch(`${base}/api/auth/callback/credentials`, {
  method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
  body: new URLSearchParams({ csrfToken, username: 'admin', password: PASSWORD, json: 'true' }),
});
keep(res);
async function timeGet(url, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(url, { headers: { cookie: cookieHeader() } });
    const body = await r.text();
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    if (url.endsWith('/ai') && !body.includes('ai-dep-env-chat')) throw new Error('AI page did not render the dependencies (not signed in?)');
    out.push(performance.now() - t);
  }
  return out;
}
await timeGet(`${base}/stacks/demo/ai`, 3);
const page = await timeGet(`${base}/stacks/demo/ai`, 30);
const session = await timeGet(`${base}/api/auth/session`, 30);

console.log(`\nAI-provider health benchmark (${os.cpus().length} cores, ${SECONDS} s per phase, 4 dependencies probed every 1 s)\n`);
console.log('| measure | Opsdeck p50 / p95 (ms) | raw p50 / p95 (ms) | ratio p50 |');
console.log('| --- | --- | --- | --- |');
for (const ph of [fast, slow]) {
  console.log(`| light probe, ${ph.label} (${ph.ops.length} probes) vs curl | ${f1(pct(ph.ops, 50))} / ${f1(pct(ph.ops, 95))} | ${f1(pct(ph.curl, 50))} / ${f1(pct(ph.curl, 95))} | ${f1(pct(ph.ops, 50) / pct(ph.curl, 50))} |`);
  console.log(`| light probe, ${ph.label} vs bare Node fetch | ${f1(pct(ph.ops, 50))} / ${f1(pct(ph.ops, 95))} | ${f1(pct(ph.node, 50))} / ${f1(pct(ph.node, 95))} | ${f1(pct(ph.ops, 50) / pct(ph.node, 50))} |`);
}
console.log(`| AI page (server render, signed in) vs /api/auth/session | ${f1(pct(page, 50))} / ${f1(pct(page, 95))} | ${f1(pct(session, 50))} / ${f1(pct(session, 95))} | ${f1(pct(page, 50) / pct(session, 50))} |`);
console.log(`\nOpsdeck CPU while probing: ${f1(fast.cpuPct)} % of one core (${f1(fast.cpuPerProbe)} ms CPU per probe, scheduler and page idle included)`);

const perRound = (f) => rounds.map(f);
const spread = (xs) => `${f1(Math.min(...xs))}–${f1(Math.max(...xs))}`;
let failed = false;
const verdict = (ok, text) => {
  if (!ok) failed = true;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
};
const slowRatios = perRound((r) => median(r.slow.ops) / median(r.slow.node));
const fastAdded = perRound((r) => median(r.fast.ops) - median(r.fast.node));
const cpus = perRound((r) => r.fast.cpuPerProbe);
console.log(`\nVerdicts (median of ${ROUNDS} paired rounds, spread in brackets; load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs):`);
verdict(median(slowRatios) <= TARGET.slowRatio, `latency shown for a 300 ms provider ÷ bare Node fetch p50: ${median(slowRatios).toFixed(3)}× [${slowRatios.map((x) => x.toFixed(3)).join(', ')}] (target ≤ ${TARGET.slowRatio}×)`);
verdict(median(fastAdded) <= TARGET.fastAddedMs, `added by Opsdeck on an instant provider, p50: ${f1(median(fastAdded))} ms [${spread(fastAdded)}] (target ≤ ${TARGET.fastAddedMs} ms)`);
verdict(median(cpus) <= TARGET.cpuPerProbeMs, `CPU per probe: ${f1(median(cpus))} ms [${spread(cpus)}] (target ≤ ${TARGET.cpuPerProbeMs} ms)`);
verdict(pct(page, 95) <= TARGET.pageP95Ms, `AI page render p95: ${f1(pct(page, 95))} ms (target ≤ ${TARGET.pageP95Ms} ms; /api/auth/session p95 ${f1(pct(session, 95))} ms on the same server)`);
db.close();
cleanup();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
