#!/usr/bin/env node
// npm run bench:logs — the live-logs performance figures of issue 3, each measured in one run next
// to the raw tool (docker logs) on the same containers:
//   1. throughput of the SSE endpoint reading an existing 1,000,000-line log vs `docker logs
//      --timestamps` drained to /dev/null (the raw tool at its fastest), for one service and for a
//      merge of three services (three `docker logs` at once vs one merged stream);
//   2. p95 from a line written in the container to the line in the page's DOM at 1,000 lines/s
//      (and `docker logs -f` on the same container as the floor);
//   3. a page following 10,000 lines/s for 60 s: long tasks, JS heap, every line accounted for;
//   4. 20 pages tailing at once: growth of the server's RSS (and 20 `docker logs -f` for scale).
// Needs a production build: NEXT_DIST_DIR=.next-bench npx next build, then run with the same
// NEXT_DIST_DIR. BENCH_ONLY=throughput,merge,latency,flood,pages runs a subset.
import './engine-env.mjs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { chromium } from '@playwright/test';
import { benchProject, countDockerLines, countSse, drainDockerLogs, freePort, mb, pct, pidOf, signIn, sleep, startServer, treeCpu, treeRss } from './bench-logs-lib.mjs';

const ONLY = (process.env.BENCH_ONLY || 'throughput,merge,latency,flood,pages').split(',');
const PASSWORD = 'bench-admin-password-1';
const results = [];
// Every figure is printed with the machine's load: on a shared 2-core host, wall-clock numbers
// (task durations above all) move with whatever else runs.
const load = () => os.loadavg()[0].toFixed(1);
const report = (name, value, bound, ok) => {
  results.push({ name, value, bound, ok, load: load() });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${value}  (bound: ${bound}; load ${load()} on ${os.cpus().length} CPUs)`);
};

const project = benchProject({
  big: { LOG_RATE: 0, LOG_COUNT: 1000000 },
  m1: { LOG_RATE: 0, LOG_COUNT: 333333 },
  m2: { LOG_RATE: 0, LOG_COUNT: 333333 },
  m3: { LOG_RATE: 0, LOG_COUNT: 333334 },
  rate1k: { LOG_RATE: 1000 },
  flood: { LOG_RATE: 10000, LOG_COUNT: 600000 },
  tail20: { LOG_RATE: 100, LOG_JSON: 1 },
});
let server;
let browser;
try {
  server = await startServer({ config: project.config, port: await freePort(), password: PASSWORD });
  const session = await signIn(server.base, 'admin', PASSWORD);
  const api = (q) => `${server.base}/api/stacks/bench/logs?${q}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'] });
  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const ctx = await browser.newContext({ viewport });
    await ctx.addCookies(session.list);
    return ctx.newPage();
  };

  // The same work on both sides, paired: each round reads every line once with the raw tool
  // (output to /dev/null) and once through Opsdeck's SSE endpoint (read and thrown away by a
  // counter), back to back under the same load; the verdict is the median of the rounds' ratios.
  const throughput = async (label, services) => {
    const ids = [];
    for (const svc of Object.keys(services)) {
      project.up(svc);
      ids.push(project.container(svc));
    }
    const total = Object.values(services).reduce((a, b) => a + b, 0);
    // Written in full when each log's last line carries its count (loggen numbers lines from 1).
    const lastLine = (id) => new Promise((r) => { let out = ''; const c = spawn('docker', ['logs', '--tail', '1', id]); c.stdout.on('data', (d) => (out += d)); c.on('close', () => r(out)); });
    for (let t = Date.now(); ; await sleep(1000)) {
      const tails = await Promise.all(ids.map(lastLine));
      if (tails.every((text, i) => text.includes(`seq=${Object.values(services)[i]}`))) break;
      if (Date.now() - t > 180_000) throw new Error(`loggen did not write ${total} lines in 3 minutes`);
    }
    // Checked once, untimed: the raw side prints every line too.
    const printed = (await Promise.all(ids.map(countDockerLines))).reduce((a, b) => a + b, 0);
    if (printed !== total) throw new Error(`docker logs printed ${printed} lines, expected ${total}`);
    const dockerd = pidOf('dockerd');
    const cpu = (pid) => (pid ? treeCpu(pid) : NaN);
    const rounds = [];
    for (let i = 0; i < 5; i++) {
      let d0 = cpu(dockerd);
      const cli = await drainDockerLogs(ids);
      const cliDockerd = cpu(dockerd) - d0;
      d0 = cpu(dockerd);
      const s0 = cpu(server.pid);
      const sse = await countSse(api(`service=${Object.keys(services).join(',')}&since=1970-01-01T00:00:00Z`), session.header, total);
      const sseServer = cpu(server.pid) - s0;
      const sseDockerd = cpu(dockerd) - d0;
      rounds.push({ cli, sse, ratio: cli.seconds / sse.seconds });
      console.log(`  round ${i + 1}: docker logs --timestamps > /dev/null ${cli.seconds.toFixed(2)} s (dockerd CPU ${cliDockerd.toFixed(1)} s); ` +
        `SSE ${sse.lines} lines in ${sse.seconds.toFixed(2)} s (CPU: dockerd ${sseDockerd.toFixed(1)} s, Opsdeck ${sseServer.toFixed(1)} s); ratio ${(cli.seconds / sse.seconds).toFixed(2)}×`);
    }
    const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    const lines = Math.min(...rounds.map((r) => r.sse.lines));
    report(`SSE throughput vs docker logs --timestamps > /dev/null, ${label} (median of ${rounds.length} paired rounds)`, `${median.toFixed(2)}× (spread ${ratios[0].toFixed(2)}–${ratios.at(-1).toFixed(2)}), ${lines} lines`, `≥ 0.9× (median), all ${total} lines`, median >= 0.9 && lines === total);
    for (const svc of Object.keys(services)) project.stop(svc);
  };

  if (ONLY.includes('throughput')) {
    console.log('\n# 1a. Throughput: one service, an existing 1,000,000-line log');
    await throughput('one service', { big: 1_000_000 });
  }
  if (ONLY.includes('merge')) {
    console.log('\n# 1b. Throughput: a merge of three services, 1,000,000 lines in all');
    await throughput('merge of three', { m1: 333_333, m2: 333_333, m3: 333_334 });
  }

  if (ONLY.includes('latency')) {
    console.log('\n# 2. Line written → line in the DOM, at 1,000 lines/s');
    project.up('rate1k');
    const id = project.container('rate1k');
    // The floor: the Docker CLI following the same container.
    const cliLat = [];
    const cli = spawn('docker', ['logs', '-f', '--tail', '0', id], { stdio: ['ignore', 'pipe', 'ignore'] });
    let carry = '';
    cli.stdout.on('data', (d) => {
      const now = Date.now();
      const parts = (carry + d).split('\n');
      carry = parts.pop();
      for (const l of parts) cliLat.push(now - Date.parse(l.slice(0, 24)));
    });
    // A tall window so each flush's lines (about 50) all enter the DOM: every line gets measured.
    const page = await newPage({ width: 1280, height: 4000 });
    await page.addInitScript(() => {
      const w = window;
      w.__lat = [];
      w.__seen = new Set();
      new MutationObserver((muts) => {
        const now = performance.timeOrigin + performance.now();
        for (const m of muts) for (const n of m.addedNodes) {
          if (!(n instanceof HTMLElement) || n.dataset.testid !== 'log-line') continue;
          const text = n.querySelector('[data-testid="log-text"]')?.textContent ?? '';
          const seq = /seq=(\d+)/.exec(text)?.[1];
          if (!seq || w.__seen.has(seq)) continue;
          w.__seen.add(seq);
          w.__lat.push(now - Date.parse(text.slice(0, 24)));
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${server.base}/stacks/bench/logs?service=rate1k&tail=100`);
    await page.getByTestId('log-status').and(page.locator('[data-state="live"]')).waitFor();
    await sleep(3000);
    await page.evaluate(() => { window.__lat = []; });
    cliLat.length = 0;
    const seconds = 20;
    await sleep(seconds * 1000);
    const lat = (await page.evaluate(() => window.__lat)).sort((a, b) => a - b);
    const cliSorted = [...cliLat].sort((a, b) => a - b);
    cli.kill();
    await page.context().close();
    const p95 = pct(lat, 95);
    console.log(`  page: ${lat.length} lines measured in ${seconds} s (${(lat.length / seconds).toFixed(0)}/s); p50 ${pct(lat, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms, max ${lat.at(-1)?.toFixed(0)} ms`);
    console.log(`  docker logs -f: ${cliSorted.length} lines; p50 ${pct(cliSorted, 50)} ms, p95 ${pct(cliSorted, 95)} ms`);
    report('p95 container → DOM at 1,000 lines/s', `${p95.toFixed(0)} ms (docker logs -f: ${pct(cliSorted, 95)} ms; ${lat.length} of ~${seconds * 1000} lines measured)`, '≤ 100 ms', p95 <= 100 && lat.length >= seconds * 900);
    project.stop('rate1k');
  }

  if (ONLY.includes('flood')) {
    console.log('\n# 3. A page following 10,000 lines/s for 60 s');
    const page = await newPage();
    await page.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const cdp = await page.context().newCDPSession(page);
    const since = new Date(Date.now() - 1000).toISOString();
    project.up('flood');
    await page.goto(`${server.base}/stacks/bench/logs?service=flood&since=${since}`);
    const viewer = page.getByTestId('log-viewer');
    await page.getByTestId('log-status').and(page.locator('[data-state="live"]')).waitFor();
    const followStart = await page.evaluate(() => performance.now());
    const attr = async () => Object.fromEntries(await viewer.evaluate((el) => ['received', 'kept', 'evicted', 'pending', 'skipped'].map((k) => [k, Number(el.dataset[k])])));
    let heapMax = 0;
    let pausedCount = 0;
    for (let s = 0; s < 75; s += 5) {
      await sleep(5000);
      if (s === 20) await page.getByRole('button', { name: 'Pause' }).click();
      if (s === 30) {
        pausedCount = (await attr()).pending + (await attr()).skipped;
        await page.getByRole('button', { name: 'Resume' }).click();
      }
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      heapMax = Math.max(heapMax, usedSize);
      const a = await attr();
      console.log(`  t=${s + 5}s received ${a.received} kept ${a.kept} evicted ${a.evicted} pending ${a.pending} skipped ${a.skipped} heap ${mb(usedSize)}`);
      if (a.received >= 600000 && s >= 60) break;
    }
    let a = await attr();
    for (let t = Date.now(); a.received < 600000 && Date.now() - t < 30_000; await sleep(1000)) a = await attr();
    const lastText = await page.getByTestId('log-text').last().textContent();
    const long = (await page.evaluate(() => window.__long)).filter((e) => e.start > followStart + 1000);
    const maxLong = Math.max(0, ...long.map((e) => e.duration));
    await page.context().close();
    const accounted = a.kept + a.evicted + a.pending + a.skipped;
    console.log(`  long tasks after the first second: ${long.length} (max ${maxLong.toFixed(0)} ms) at ${long.map((e) => `${((e.start - followStart) / 1000).toFixed(1)}s:${e.duration.toFixed(0)}ms`).join(' ')}; while paused 10 s: ${pausedCount} lines counted`);
    report('10k lines/s for 60 s: longest main-thread task after 1 s', `${maxLong.toFixed(0)} ms (${long.length} tasks over 50 ms)`, '≤ 100 ms', maxLong <= 100);
    report('10k lines/s for 60 s: JS heap (after GC, max of samples)', mb(heapMax), '< 150 MB', heapMax < 150 * 1048576);
    report('10k lines/s for 60 s: every line accounted for', `received ${a.received} of 600000; kept+evicted+pending+skipped = ${accounted}; last line "${lastText?.slice(0, 60)}"`, 'received = 600000 = accounted, last seq=600000', a.received === 600000 && accounted === 600000 && /seq=600000\b/.test(lastText ?? ''));
    project.stop('flood');
  }

  if (ONLY.includes('pages')) {
    console.log('\n# 4. 20 pages tailing at once');
    project.up('tail20');
    const openPages = async () => {
      const pages = [];
      for (let i = 0; i < 20; i++) {
        const p = await newPage({ width: 1000, height: 600 });
        await p.goto(`${server.base}/stacks/bench/logs?service=tail20`);
        pages.push(p);
      }
      for (const p of pages) await p.getByTestId('log-status').and(p.locator('[data-state="live"]')).waitFor();
      return pages;
    };
    const samples = async (seconds) => {
      const out = [];
      for (let s = 0; s < seconds; s += 2, await sleep(2000)) out.push(treeRss(server.pid));
      return out.sort((x, y) => x - y);
    };
    const fresh = treeRss(server.pid);
    // Warm-up round: code loaded and compiled, pools and caches filled, as on a server in use;
    // then a rest, so V8's memory reducer has collected the warm-up's garbage.
    for (const p of await openPages()) await p.context().close();
    await sleep(20_000);
    const idle = await samples(10);
    const before = pct(idle, 50);
    const pages = await openPages();
    const during = await samples(30);
    const received = await Promise.all(pages.map((p) => p.getByTestId('log-viewer').evaluate((el) => Number(el.dataset.received))));
    for (const p of pages) await p.context().close();
    // The raw tool for scale: 20 `docker logs -f` on the same container.
    const clis = Array.from({ length: 20 }, () => spawn('docker', ['logs', '-f', '--tail', '200', project.container('tail20')], { stdio: ['ignore', 'ignore', 'ignore'] }));
    await sleep(5000);
    const cliRss = clis.reduce((sum, c) => sum + treeRss(c.pid), 0);
    for (const c of clis) c.kill();
    const peak = during.at(-1);
    console.log(`  server RSS before any page ${mb(fresh)}; idle after a warm-up round of 20 pages ${mb(before)}; with 20 pages tailing (30 s, every 2 s): median ${mb(pct(during, 50))}, max ${mb(peak)}; lines per page ${Math.min(...received)}–${Math.max(...received)}; 20 × docker logs -f: ${mb(cliRss)}`);
    report('20 pages tailing: server RSS growth (max of samples)', `${mb(peak - before)} (median ${mb(pct(during, 50) - before)}; 20 × docker logs -f use ${mb(cliRss)})`, '< 30 MB', peak - before < 30 * 1048576 && Math.min(...received) > 0);
    project.stop('tail20');
  }
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  server?.stop();
  project.down();
}

console.log('\n## Summary');
for (const r of results) console.log(`| ${r.name} | ${r.value} | ${r.bound} | ${r.ok ? 'pass' : 'FAIL'} | ${r.load} |`);
if (results.some((r) => !r.ok)) process.exitCode = 1;
