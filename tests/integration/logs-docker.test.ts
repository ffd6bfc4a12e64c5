/**
 * Reading real container logs: stdout/stderr demultiplexing, TTY output, lines split across Docker
 * messages and HTTP chunks, huge lines, time ranges, secret masking, and that closing a session
 * destroys its Docker stream. Producers are real containers (see tests/support/logs-stack.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { openLogStreamCount } from '@/lib/docker/logs';
import { openLogSession, parseLogQuery, toTextStream, type LogItem, type LogLine, type LogRequest } from '@/lib/logs';
import { loggenService, nodeService, startLogsStack, type LogsStack } from '../support/logs-stack';

const SECRET = 'Sup3r-secret-pass-9f2';

const TTY_SCRIPT = `let n = 0; setInterval(() => console.log('\\x1b[32mtick\\x1b[0m <b>' + (++n) + '</b>'), 50);`;
const PARTIAL_SCRIPT = `
const w = (s) => process.stdout.write(s);
w('x'.repeat(20000) + '\\n');
w('é'.repeat(9000) + '\\n');
w('y'.repeat(100000) + '\\n');
w('part1');
setTimeout(() => { w('part2\\n'); w('password is ' + process.env.APP_PASSWORD + '\\n'); w('DONE\\n'); }, 300);
setInterval(() => {}, 1 << 30);`;

let env: LogsStack;

beforeAll(async () => {
  env = await startLogsStack(
    {
      gen: loggenService({ LOG_RATE: 400, LOG_STDERR_EVERY: 5 }),
      fixed: loggenService({ LOG_RATE: 0, LOG_COUNT: 1000, LOG_STDERR_EVERY: 5 }),
      tty: nodeService(TTY_SCRIPT, { tty: true }),
      partial: nodeService(PARTIAL_SCRIPT, { environment: { APP_PASSWORD: '${APP_PASSWORD}' } }),
    },
    { APP_PASSWORD: SECRET },
  );
  await new Promise((r) => setTimeout(r, 1500));
});

afterAll(async () => {
  await env?.down();
});

async function read(req: Partial<LogRequest>, until: (lines: LogLine[], items: LogItem[]) => boolean, timeoutMs = 15_000) {
  const session = await openLogSession(env.stack, { services: [], follow: false, ...req });
  const items: LogItem[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    for await (const batch of session.items) {
      items.push(...batch);
      if (until(items.filter((i): i is LogLine => i.kind === 'line'), items) || Date.now() > deadline) break;
    }
  } finally {
    session.close();
  }
  return { lines: items.filter((i): i is LogLine => i.kind === 'line'), items, session };
}

const seqOf = (l: LogLine) => Number(/seq=(\d+)/.exec(l.text)?.[1]);

function containerOf(service: string): string {
  const args = ['ps', '-q', '--filter', `label=com.docker.compose.project=${env.stack.projectName}`, '--filter', `label=com.docker.compose.service=${service}`];
  return execFileSync('docker', args).toString().trim();
}

describe('logs from real containers', () => {
  it('tails a non-TTY container with stdout and stderr told apart, exactly as docker logs has them', async () => {
    const { lines } = await read({ services: ['fixed'], tail: 100 }, () => false);
    expect(lines).toHaveLength(100);
    const cli = spawnSync('docker', ['logs', '--timestamps', '--tail', '100', containerOf('fixed')]);
    const split = (b: Buffer) => b.toString().split('\n').filter(Boolean);
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => `${l.ts} ${l.text}`)).toEqual(split(cli.stdout));
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => `${l.ts} ${l.text}`)).toEqual(split(cli.stderr));
    for (const l of lines) expect(l.text).toMatch(seqOf(l) % 5 === 0 ? / WARN loggen line/ : / INFO loggen line/);
    // The whole log: every line once, none lost.
    const all = await read({ services: ['fixed'], since: new Date(0) }, () => false);
    expect(all.lines.map(seqOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('reads a TTY container (raw stream): lines without \\r, ANSI and markup kept as text for the viewer', async () => {
    const { lines } = await read({ services: ['tty'], tail: 10 }, () => false);
    expect(lines.length).toBe(10);
    for (const l of lines) {
      expect(l.stream).toBe('stdout');
      expect(l.text).toMatch(/^\x1b\[32mtick\x1b\[0m <b>\d+<\/b>$/);
    }
  });

  it('joins long lines Docker split into 16 KiB parts, cuts a huge one with a marker, keeps UTF-8 intact, masks secrets', async () => {
    const { lines } = await read({ services: ['partial'] }, (ls) => ls.some((l) => l.text === 'DONE'));
    const texts = lines.map((l) => l.text);
    expect(texts[0]).toBe('x'.repeat(20000));
    expect(texts[1]).toBe('é'.repeat(9000));
    expect(texts[2]).toBe(`${'y'.repeat(32 * 1024)} …[line cut: ${100000 - 32 * 1024} more bytes]`);
    expect(texts[3]).toBe('part1part2');
    expect(texts[4]).toBe(`password is ••••${SECRET.slice(-4)}`);
    expect(texts.join('\n')).not.toContain(SECRET);
  });

  it('honours since/until: every line inside the range, and the range is not empty', async () => {
    const now = Date.now();
    const since = new Date(now - 1000);
    const until = new Date(now - 500);
    const { lines } = await read({ services: ['gen'], since, until }, () => false);
    expect(lines.length).toBeGreaterThan(100);
    const toMs = (ts: string) => Date.parse(ts.slice(0, 23) + 'Z');
    for (const l of lines) {
      expect(toMs(l.ts)).toBeGreaterThanOrEqual(since.getTime());
      expect(toMs(l.ts)).toBeLessThanOrEqual(until.getTime());
    }
    // Same count as the Docker CLI gives for the same range.
    const cli = spawnSync('docker', ['logs', '--since', since.toISOString(), '--until', until.toISOString(), containerOf('gen')]);
    const count = (b: Buffer) => b.toString().split('\n').filter(Boolean).length;
    expect(lines.length).toBe(count(cli.stdout) + count(cli.stderr));
  });

  it('closing a following session destroys its Docker stream', async () => {
    const before = openLogStreamCount();
    const session = await openLogSession(env.stack, { services: ['gen'], tail: 5, follow: true });
    const it = session.items[Symbol.asyncIterator]();
    let got = 0;
    while (got < 50) {
      const r = await it.next();
      if (r.done) break;
      got += r.value.length;
    }
    expect(openLogStreamCount()).toBe(before + 1);
    session.close();
    const deadline = Date.now() + 2000;
    while (openLogStreamCount() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(openLogStreamCount()).toBe(before);
  });

  it('refuses services outside the stack and containers of another project', async () => {
    await expect(openLogSession(env.stack, { services: ['nope'], follow: false })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('has no service "nope"') });
    const foreign = execFileSync('docker', ['run', '-d', '--rm', '--network', 'none', '--label', 'com.docker.compose.project=opsdeck-test-logs-other', 'opsdeck/loggen']).toString().trim();
    try {
      await expect(openLogSession(env.stack, { services: [], containerId: foreign, follow: false })).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      execFileSync('docker', ['rm', '-f', foreign], { stdio: 'ignore' });
    }
  });
  it('a merged download (every service, a time range) holds exactly what docker logs has for each service, in time order', async () => {
    const now = Date.now();
    const since = new Date(now - 1500).toISOString();
    const until = new Date(now - 300).toISOString();
    // What the download route reads, after its guard: all services, with stamps.
    const query = parseLogQuery(new URLSearchParams({ since, until, timestamps: '1' }), { mode: 'download' });
    const session = await openLogSession(env.stack, query);
    expect([...session.sources].sort()).toEqual(['fixed', 'gen', 'partial', 'tty']);
    const file = await new Response(toTextStream(session, { timestamps: true })).text();
    const rows = file.split('\n').filter(Boolean);
    // In time order across services. dockerd stamps stdout and stderr in separate readers, so one
    // container's own log can step back by microseconds; nothing may be out of order by more.
    const ms = (r: string) => Date.parse(r.slice(0, 23) + 'Z');
    let latest = 0;
    const late = rows.filter((r) => (latest = Math.max(latest, ms(r))) - ms(r) > 2);
    expect(late).toEqual([]);
    const genRows = rows.filter((r) => r.slice(31).startsWith('gen | '));
    expect(genRows.length).toBeGreaterThan(100);
    // "partial" is left out of the exact comparison: its lines are cut and masked on purpose (above).
    expect(file).not.toContain(SECRET);
    for (const service of ['gen', 'fixed', 'tty']) {
      const mine = rows.filter((r) => r.slice(31).startsWith(`${service} | `)).map((r) => `${r.slice(0, 30)} ${r.slice(31 + service.length + 3)}`);
      const cli = spawnSync('docker', ['logs', '--timestamps', '--since', since, '--until', until, containerOf(service)]);
      // TTY output comes with "\r\n"; everything else as printed.
      const expected = (cli.stdout.toString() + cli.stderr.toString()).split('\n').map((l) => l.replace(/\r$/, '')).filter(Boolean).sort();
      expect(mine.sort()).toEqual(expected);
    }
  });
});
