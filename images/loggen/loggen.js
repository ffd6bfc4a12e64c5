'use strict';
// opsdeck/loggen — writes numbered log lines at a steady rate, for log-pipeline benchmarks.
//   LOG_RATE          lines per second (default 100; 0 = as fast as possible)
//   LOG_COUNT         stop after N lines (default 0 = forever); the container then idles, so it stays up
//   LOG_STDERR_EVERY  every Nth line goes to stderr (default 0 = never)
//   LOG_JSON          1 = JSON lines {"time","level","msg","seq",…} (default 0 = plain text)
//   LOG_LINE_BYTES    pad each line to at least this many bytes, newline included (default 0)
// Each line carries its sequence number (seq=N / "seq":N, starting at 1) so a reader can detect
// loss, duplication and reordering. Lines are written in batches every few milliseconds: one
// write per batch per stream is what makes 20k+ lines/s cheap.

const num = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`loggen: ${name} must be a non-negative number, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};

const RATE = num('LOG_RATE', 100);
const COUNT = Math.floor(num('LOG_COUNT', 0));
const STDERR_EVERY = Math.floor(num('LOG_STDERR_EVERY', 0));
const JSON_MODE = process.env.LOG_JSON === '1' || process.env.LOG_JSON === 'true';
const LINE_BYTES = Math.floor(num('LOG_LINE_BYTES', 0));
const TICK_MS = 5;
const MAX_BATCH = 5000;

let seq = 0;
const start = Date.now();

function pad(line) {
  // +1 for the newline; the padding is ASCII so bytes == characters.
  const missing = LINE_BYTES - Buffer.byteLength(line) - 1;
  return missing > 0 ? line + ' ' + 'x'.repeat(missing - 1) : line;
}

function makeLine(n, toStderr) {
  const level = toStderr ? 'WARN' : 'INFO';
  if (JSON_MODE) {
    const base = { time: new Date().toISOString(), level, msg: 'loggen line', seq: n };
    let s = JSON.stringify(base);
    const missing = LINE_BYTES - Buffer.byteLength(s) - 1;
    if (missing > 0) s = JSON.stringify({ ...base, pad: 'x'.repeat(Math.max(0, missing - 9)) });
    return s;
  }
  return pad(`${new Date().toISOString()} ${level} loggen line seq=${n}`);
}

function emit(n) {
  let out = '';
  let err = '';
  for (let i = 0; i < n; i++) {
    seq++;
    const toStderr = STDERR_EVERY > 0 && seq % STDERR_EVERY === 0;
    const line = makeLine(seq, toStderr) + '\n';
    if (toStderr) err += line;
    else out += line;
  }
  // Writes to pipes are synchronous on Linux: natural back-pressure when the reader is slow.
  if (out) process.stdout.write(out);
  if (err) process.stderr.write(err);
}

// After LOG_COUNT lines: stay up without printing anything else, so line counts stay exact.
function idleForever() {
  setInterval(() => {}, 1 << 30);
}

function tick() {
  const target = RATE > 0 ? Math.floor(((Date.now() - start) / 1000) * RATE) : seq + MAX_BATCH;
  let due = Math.min(target - seq, MAX_BATCH);
  if (COUNT > 0) due = Math.min(due, COUNT - seq);
  if (due > 0) emit(due);
  if (COUNT > 0 && seq >= COUNT) return idleForever();
  // Behind schedule: go again at once; otherwise wait for the next tick.
  if (RATE === 0 || target - seq > 0) setImmediate(tick);
  else setTimeout(tick, TICK_MS);
}

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
process.stdout.on('error', () => process.exit(0)); // EPIPE: reader went away
tick();
