#!/usr/bin/env node
// Benchmark of continuous WAL archiving (lib/pitr) on the demo stack's PostgreSQL, in one run:
//   TPS:     pgbench (TPC-B-like, BENCH_CLIENTS clients, BENCH_SECONDS per side) with archiving off
//            vs on, in BENCH_ROUNDS interleaved pairs (the order alternates: off/on, on/off, …),
//            the ratio on/off per pair, its median and spread. Target: median ≥ 0.95×.
//            The lag sampler (Opsdeck's watch query, once a second) runs on both sides, so both
//            pay for it; "off" is no slot and no receiver (archiving switched off), "on" is the
//            slot, pg_receivewal beside the database and a base backup taken
//            before the timed part. pgbench runs in its own container (see `pgbench` below).
//   RPO:     the archive lag under that load, sampled once a second on the "on" sides: Opsdeck's
//            own figure (what the page shows) and the server's flush_lag of the receiver; p50/p95.
//   Restore: time to restore to a point (rebuild from the base backup + WAL replay in a throwaway
//            container, dump, safe restore) vs a plain restore of a dump of the same database.
// It prints each figure and the TPS target with PASS or FAIL, and exits 1 when it fails.
// It starts its own demo stack (compose project opsdeck-test-*) and drives lib/pitr and lib/backup
// directly (through jiti, as TypeScript), with its own temporary data dir.
// Env: BENCH_SCALE (pgbench scale, default 10 ≈ 160 MB; 68 ≈ 1 GB), BENCH_SECONDS (default 20),
//      BENCH_ROUNDS (default 4; an odd number is rounded up to even), BENCH_CLIENTS (default 4), BENCH_KEEP=1 (leave the stack up),
//      BENCH_RESTORE=0 (skip the restore figures: TPS, CPU cost and lag only).
// CPU cost: CPU seconds per 1000 transactions of each party (scripts/bench-pitr-cost.mjs), off vs
// on, over the same pgbench runs; it holds when other work on the machine makes TPS noisy.
import './engine-env.mjs';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createJiti } from 'jiti';
import { costMeter, diff } from './bench-pitr-cost.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SCALE = Number(process.env.BENCH_SCALE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
// An even number of pairs: the order alternates (off/on, on/off, …), and with an odd number one
// order would count once more than the other in the median (3 pairs: two with "off" first).
const ROUNDS = 2 * Math.ceil(Number(process.env.BENCH_ROUNDS ?? 4) / 2);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const log = (...a) => console.log(`[bench-pitr ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const jiti = createJiti(import.meta.url, { alias: { '@': ROOT, 'server-only': path.join(ROOT, 'tests/support/server-only.ts') } });
const { startBackupEnv } = await jiti.import(path.join(ROOT, 'tests/support/backup-env.ts'));
const pitr = await jiti.import(path.join(ROOT, 'lib/pitr/index.ts'));
const backup = await jiti.import(path.join(ROOT, 'lib/backup/index.ts'));
const { PITR_DEFAULTS } = await jiti.import(path.join(ROOT, 'lib/stacks/pitr-schema.ts'));
const { receiverName: receiverNameOf } = await jiti.import(path.join(ROOT, 'lib/pitr/layout.ts'));

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.slice(0, 4).join(' ')}… exited ${code}: ${err.slice(-1500)}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const interval = (v) => {
  // "00:00:00.001234" (pg interval text) → seconds; empty → null.
  const m = /^(\d+):(\d+):([\d.]+)$/.exec(v.trim());
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
};

const env = await startBackupEnv({ timeoutMs: 300_000 });
const stack = env.stack;
stack.pitr = { enabled: true, ...PITR_DEFAULTS };
const receiverName = receiverNameOf(stack);
const pgId = (await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${env.demo.projectName}`, '--filter', 'label=com.docker.compose.service=postgres'])).trim();
const { user, database } = env.demo.postgres;
const inDb = (args) => run('docker', ['exec', '-e', `PGPASSWORD=${env.demo.postgres.password}`, pgId, ...args]);
// The load comes from outside the database's cgroup, as an app's queries do: pgbench in its own
// container of the same image, in the database container's network namespace (127.0.0.1), with no
// CPU cap. Run inside the database container (BENCH_PGBENCH=inside), the client's own CPU comes out of
// the database's one-CPU limit, which a real app's client never does.
const pgImage = (await run('docker', ['inspect', '-f', '{{.Image}}', pgId])).trim();
const PGBENCH_INSIDE = process.env.BENCH_PGBENCH === 'inside';
const pgbench = (args) => PGBENCH_INSIDE
  ? inDb(['pgbench', ...args, '-U', user, database])
  : run('docker', ['run', '--rm', '--network', `container:${pgId}`, '-e', `PGPASSWORD=${env.demo.postgres.password}`, '--entrypoint', 'pgbench', pgImage, '-h', '127.0.0.1', ...args, '-U', user, database]);
const psql = (sql) => inDb(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database, '-c', sql]);

// The server's flush_lag over one connection kept for the whole run: a `docker exec psql` a second
// would cost the database container about 30 ms of CPU each time, on both sides.
const lagClient = await env.demo.pg();

/** One second at a time until stopped: Opsdeck's watch (as its scheduler runs it) and the server's flush_lag. */
function sampler() {
  let on = true;
  const ours = [];
  const flush = [];
  const done = (async () => {
    while (on) {
      const t = Date.now();
      const s = await pitr.watchArchive(stack).catch(() => null);
      if (s?.lagSeconds !== null && s?.lagSeconds !== undefined && s.live) ours.push(s.lagSeconds);
      const f = await lagClient.query("SELECT coalesce(flush_lag::text, '') AS v FROM pg_stat_replication WHERE application_name = 'pg_receivewal'").then((r) => r.rows[0]?.v ?? '', () => '');
      const v = interval(f);
      if (v !== null) flush.push(v);
      await sleep(Math.max(0, 1000 - (Date.now() - t)));
    }
  })();
  return { stop: async () => ((on = false), await done, { ours, flush }) };
}

const receiverId = () => execFileSync('docker', ['ps', '-q', '--filter', `name=^${receiverName}$`], { encoding: 'utf8' }).trim() || null;
const meter = costMeter({ database: pgId, receiver: receiverId });

async function side(archiving) {
  if (archiving) await pitr.ensureArchiving(stack, (t) => log(`  ${t}`));
  else await pitr.stopArchiving(stack, 'benchmark: the "off" side');
  await psql('CHECKPOINT');
  const s = sampler();
  const before = meter();
  const out = await pgbench(['-n', '-c', String(CLIENTS), '-j', String(Math.min(CLIENTS, 2)), '-T', String(SECONDS)]);
  const cpu = diff(before, meter());
  const lag = await s.stop();
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const tx = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
  if (!Number.isFinite(tps) || !Number.isFinite(tx)) throw new Error(`pgbench printed no tps:\n${out}`);
  return { tps, tx, cpu, lag };
}

/** Restore: a point just now vs a dump of the same database (archiving on). */
async function restoreFigures() {
  await pitr.ensureArchiving(stack);
  await pitr.watchArchive(stack);
  const target = new Date();
  await sleep(1000);
  let t0 = Date.now();
  const point = await pitr.startPointRestoreJob(stack, target, 'bench', { healthTimeoutMs: 300_000 }).done;
  const pointMs = Date.now() - t0;
  if (point.status !== 'succeeded') throw new Error(`restore to a point: ${point.summary}`);
  const dumped = await backup.startBackupJob(stack, { by: 'bench' }).done;
  if (dumped.status !== 'succeeded') throw new Error(`backup: ${dumped.summary}`);
  const id = backup.listBackups(stack).find((b) => b.manifest.reason === 'manual')?.id;
  t0 = Date.now();
  const plain = await backup.startRestoreJob(stack, id, 'bench', { healthTimeoutMs: 300_000, parts: 'database' }).done;
  const plainMs = Date.now() - t0;
  if (plain.status !== 'succeeded') throw new Error(`plain restore: ${plain.summary}`);
  return { pointMs, plainMs };
}

let failed = false;
try {
  const loadAtStart = os.loadavg()[0];
  log(`pgbench -i -s ${SCALE} on ${env.demo.projectName} (engine ${process.env.DOCKER_HOST ?? 'default'})`);
  await inDb(['pgbench', '-i', '-q', '-s', String(SCALE), '-U', user, database]);
  log(`database size ${(Number(await psql(`SELECT pg_database_size('${database}')`)) / 1048576).toFixed(0)} MB`);
  const pairs = [];
  const cost = { on: { tx: 0, cpu: {} }, off: { tx: 0, cpu: {} } };
  const ours = [];
  const flush = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const order = r % 2 ? [false, true] : [true, false];
    const got = {};
    for (const a of order) {
      const x = await side(a);
      got[a ? 'on' : 'off'] = x.tps;
      const c = cost[a ? 'on' : 'off'];
      c.tx += x.tx;
      for (const [k, v] of Object.entries(x.cpu)) c.cpu[k] = (c.cpu[k] ?? 0) + v;
      if (a) {
        ours.push(...x.lag.ours);
        flush.push(...x.lag.flush);
      }
      log(`round ${r} archiving ${a ? 'on ' : 'off'}: ${x.tps.toFixed(1)} tps`);
    }
    pairs.push(got);
  }
  const ratios = pairs.map((p) => p.on / p.off);
  const m = median(ratios);
  const tpsOk = m >= 0.95;
  failed ||= !tpsOk;

  const restore = process.env.BENCH_RESTORE === '0' ? null : await restoreFigures();

  const f = (x) => (x === null ? 'n/a' : `${x.toFixed(2)} s`);
  console.log('');
  console.log(`load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`);
  console.log(`pgbench ${PGBENCH_INSIDE ? 'inside the database container' : 'in its own container'}, scale ${SCALE}, ${CLIENTS} clients, ${SECONDS} s per side, ${ROUNDS} interleaved pairs; lag sampled every second on both sides`);
  for (const [i, p] of pairs.entries()) console.log(`  pair ${i + 1}: off ${p.off.toFixed(1)} tps, on ${p.on.toFixed(1)} tps, ratio ${(p.on / p.off).toFixed(3)}`);
  console.log(`TPS with archiving on / off: median ${m.toFixed(3)}× (spread ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})  target ≥ 0.95×  ${tpsOk ? 'PASS' : 'FAIL'}`);
  console.log(`CPU seconds per 1000 transactions (all pairs; ${cost.off.tx} tx off, ${cost.on.tx} tx on):`);
  for (const k of [...new Set([...Object.keys(cost.off.cpu), ...Object.keys(cost.on.cpu)])]) {
    const per = (c) => (k in c.cpu ? (1000 * c.cpu[k]) / c.tx : null);
    const [off, on] = [per(cost.off), per(cost.on)];
    const g = (x) => (x === null ? '—' : x.toFixed(4));
    console.log(`  ${k.padEnd(22)} off ${g(off)}  on ${g(on)}  on−off ${off !== null && on !== null ? (on - off).toFixed(4) : g(on)}`);
  }
  console.log(`Archive lag under load (RPO): Opsdeck's figure p50 ${f(pct(ours, 50))}, p95 ${f(pct(ours, 95))}; server flush_lag p50 ${f(pct(flush, 50))}, p95 ${f(pct(flush, 95))} (${ours.length} samples)`);
  if (restore) {
    const { pointMs, plainMs } = restore;
    console.log(`Restore to a point: ${(pointMs / 1000).toFixed(1)} s (rebuild, replay, dump, safe restore); plain dump restore: ${(plainMs / 1000).toFixed(1)} s; ratio ${(pointMs / plainMs).toFixed(2)}×`);
  }
} catch (e) {
  failed = true;
  console.error(`[bench-pitr] ${e instanceof Error ? e.stack : e}`);
} finally {
  await lagClient.end().catch(() => undefined);
  if (process.env.BENCH_KEEP !== '1') {
    await pitr.stopArchiving(stack, 'benchmark over').catch(() => undefined);
    for (const role of [pitr.RECEIVER_ROLE, pitr.REBUILD_ROLE]) {
      const docker = await jiti.import(path.join(ROOT, 'lib/docker/index.ts'));
      for (const h of await docker.listHelpers(stack, role).catch(() => [])) await docker.removeHelper(h.id).catch(() => undefined);
    }
    await env.cleanup();
  }
}
process.exit(failed ? 1 : 0);
