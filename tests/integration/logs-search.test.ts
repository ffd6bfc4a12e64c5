/**
 * Server-side search over the whole retained log of real containers: plain-text lines found by
 * their level (PostgreSQL, Go, Node), a time range, the match limit, NDJSON framing, and a client
 * that goes away closing the Docker streams. The route (app/api/stacks/[name]/logs/search) is this
 * stream behind the viewer guard, which the authorization matrix checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogStreamCount } from '@/lib/docker/logs';
import { openLogSession, parseLogQuery } from '@/lib/logs';
import { parseSearchQuery, searchStream } from '@/lib/logs/search';
import { loggenService, nodeService, startLogsStack, type LogsStack } from '../support/logs-stack';

const SCRIPT = `
const out = (s) => process.stdout.write(s + '\\n');
const err = (s) => process.stderr.write(s + '\\n');
out('2026-01-01 00:00:00.000 UTC [1] LOG:  database system is ready to accept connections');
err('2026-01-01 00:00:01.000 UTC [57] FATAL:  password authentication failed for user "memos"');
err('panic: runtime error: invalid memory address or nil pointer dereference');
out('TypeError: Cannot read properties of undefined (reading \\'id\\')');
out('time=2026-01-01T00:00:02Z level=WARN msg="slow query"');
out('all fine here');
setTimeout(() => { out('LATE marker line'); }, 2500);
setInterval(() => {}, 1 << 30);`;

let env: LogsStack;

interface Row { service?: string; ts?: string; level?: string | null; text?: string; done?: boolean; scanned?: number; matches?: number; truncated?: boolean }

async function run(qs: string, signal?: AbortSignal): Promise<Row[]> {
  const params = new URLSearchParams(qs);
  const search = parseSearchQuery(params);
  const session = await openLogSession(env.stack, parseLogQuery(params, { mode: 'download' }));
  const text = await new Response(searchStream(session, search, signal)).text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

beforeAll(async () => {
  env = await startLogsStack({ mixed: nodeService(SCRIPT), bulk: loggenService({ LOG_RATE: 0, LOG_COUNT: 5000 }) });
  // Everything written: the bulk service's 5000 lines and the late line of the mixed one.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = await run('q=LATE+marker&service=mixed');
    const bulk = await run('q=seq&service=bulk&limit=1');
    const all = await run('q=no-such-text&service=bulk');
    if (rows.length === 2 && bulk.length === 2 && all.at(-1)?.scanned === 5000) break;
    if (Date.now() > deadline) throw new Error('the test containers did not write their lines within 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }
}, 300_000);

afterAll(async () => {
  await env?.down();
});

describe('log search on the server (real containers)', () => {
  it('finds plain-text lines by level across services: PostgreSQL FATAL, a Go panic, a Node error', async () => {
    const rows = await run('level=error&service=mixed,bulk');
    const summary = rows.pop()!;
    // Compared as a set: the lines go out on stdout and stderr, whose relative order within one
    // write the engine does not fix (the matches stream in the engine's timestamp order).
    const key = (r: (string | null | undefined)[]) => r.join('|');
    expect(rows.map((r) => [r.service, r.level, r.text?.slice(0, 30)]).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [
        ['mixed', 'fatal', '2026-01-01 00:00:01.000 UTC [5'],
        ['mixed', 'fatal', 'panic: runtime error: invalid '],
        ['mixed', 'error', 'TypeError: Cannot read propert'],
      ].sort((a, b) => key(a).localeCompare(key(b))),
    );
    // The whole retained log was read, not a tail: every bulk line and the mixed ones.
    expect(summary).toEqual({ done: true, scanned: 5000 + 7, matches: 3, truncated: false });
  });

  it('substring (case-insensitive by default), regex, case-sensitive, and the limit', async () => {
    expect((await run('q=slow+QUERY&service=mixed')).map((r) => r.level ?? r.matches)).toEqual(['warn', 1]);
    expect((await run('q=slow+QUERY&case=1&service=mixed')).at(-1)).toMatchObject({ matches: 0 });
    const re = await run('q=%5Cbseq%3D1999%5Cb&regex=1&service=bulk');
    expect(re.at(-1)).toMatchObject({ matches: 1 });
    const limited = await run('q=seq&service=bulk&limit=50');
    expect(limited).toHaveLength(51);
    expect(limited.at(-1)).toMatchObject({ matches: 50, truncated: true });
  });

  it('a time range limits what is read', async () => {
    const late = (await run('q=LATE+marker&service=mixed'))[0];
    const before = new Date(Date.parse(late.ts!.slice(0, 23) + 'Z') - 1).toISOString();
    expect((await run(`q=LATE+marker&service=mixed&until=${before}`)).at(-1)).toMatchObject({ matches: 0 });
    expect((await run(`q=marker&service=mixed&since=${before}`)).at(-1)).toMatchObject({ matches: 1 });
  });

  it('a client that goes away stops the read and closes the Docker streams', async () => {
    const before = openLogStreamCount();
    const ac = new AbortController();
    const params = new URLSearchParams('level=trace&service=bulk,mixed&limit=10000');
    const session = await openLogSession(env.stack, parseLogQuery(params, { mode: 'download' }));
    const reader = searchStream(session, parseSearchQuery(params), ac.signal).getReader();
    await reader.read();
    ac.abort();
    await reader.cancel();
    await expect.poll(openLogStreamCount, { timeout: 10_000 }).toBe(before);
  });

  it('refuses bad input in words', () => {
    expect(() => parseSearchQuery(new URLSearchParams('q=(&regex=1'))).toThrow(/Not a valid regular expression/);
    expect(() => parseSearchQuery(new URLSearchParams(''))).toThrow(/something to search for/);
    expect(() => parseSearchQuery(new URLSearchParams('q=x&level=loud'))).toThrow();
    expect(() => parseLogQuery(new URLSearchParams('service=../etc'), { mode: 'download' })).toThrow(/service name/);
  });
});
