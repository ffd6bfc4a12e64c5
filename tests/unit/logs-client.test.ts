/**
 * The log viewer's browser-side logic, without a browser: ANSI parsing, search, the SSE parser and
 * the line buffer's accounting. (Vitest collects lib/, server-actions/ and tests/; components/
 * has no test folder of its own.)
 */
import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '@/components/logs/ansi';
import { compileSearch } from '@/components/logs/search';
import { parseRecord, SseParser, type SseEvent, type ViewLine } from '@/components/logs/wire';
import { FLOOD_FLUSH_MS, LIGHT_FLUSH_MS, LogStore, MAX_LINES } from '@/components/logs/log-store';
import { displayText } from '@/components/logs/json-view';

const TS = '2024-05-01T12:00:00.123456789Z';

describe('parseAnsi', () => {
  it('turns SGR sequences into styled runs and keeps markup as plain text', () => {
    expect(parseAnsi('\x1b[1;31merror\x1b[0m <b>&amp;</b>')).toEqual([
      { text: 'error', style: { bold: true, fg: '#f87171' } },
      { text: ' <b>&amp;</b>', style: null },
    ]);
  });
  it('supports 256 and 24-bit colours, partial resets, and drops other escapes', () => {
    const runs = parseAnsi('\x1b[38;5;196;48;2;1;2;3mA\x1b[39mB\x1b]0;title\x07\x1b[2KC');
    expect(runs[0]).toEqual({ text: 'A', style: { fg: 'rgb(255,0,0)', bg: 'rgb(1,2,3)' } });
    expect(runs[1]).toEqual({ text: 'B', style: { bg: 'rgb(1,2,3)' } });
    expect(runs.map((r) => r.text).join('')).toBe('ABC');
    expect(stripAnsi('\x1b[32mok\x1b[0m')).toBe('ok');
  });
});

describe('compileSearch', () => {
  it('substring search ignores case unless asked, and escapes regex characters', () => {
    const m = compileSearch({ query: 'A.B', regex: false, caseSensitive: false });
    expect(m.ok && m.matcher?.test('xa.bx')).toBe(true);
    expect(m.ok && m.matcher?.test('aXb')).toBe(false);
    const cs = compileSearch({ query: 'Err', regex: false, caseSensitive: true });
    expect(cs.ok && cs.matcher?.ranges('err Err ERR')).toEqual([[4, 7]]);
  });
  it('regex search gives ranges, survives empty matches, and reports an invalid pattern', () => {
    const m = compileSearch({ query: 'a*', regex: true, caseSensitive: false });
    expect(m.ok && m.matcher?.ranges('baab')).toEqual([[1, 3]]);
    const bad = compileSearch({ query: '(', regex: true, caseSensitive: false });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^Invalid regular expression: /);
  });
});

describe('SseParser and records', () => {
  const body = `retry: 2000\nevent: meta\ndata: {"sources":["a"]}\n\n: ping\n\ndata: oi0 ${TS} {"level":"info"}\ndata: e-0 ${TS} plain\nid: ${TS}~2\n\n`;
  it('gives the same events however the body is cut into chunks', () => {
    for (const size of [1, 3, 7, 64, body.length]) {
      const events: SseEvent[] = [];
      const p = new SseParser();
      for (let i = 0; i < body.length; i += size) p.feed(body.slice(i, i + size), (e) => events.push({ ...e, data: [...e.data] }));
      expect(events).toEqual([
        { event: 'meta', data: ['{"sources":["a"]}'], id: null },
        { event: 'message', data: [`oi0 ${TS} {"level":"info"}`, `e-0 ${TS} plain`], id: `${TS}~2` },
      ]);
    }
  });
  it('parses a line record', () => {
    expect(parseRecord(`ew12 ${TS} a b `)).toEqual({ kind: 'line', stderr: true, level: 'w', source: 12, ts: TS, text: 'a b ' });
  });
});

describe('displayText', () => {
  it('shows JSON lines message first with fields as key=value, other lines without escapes', () => {
    expect(displayText('{"time":"t","level":"INFO","msg":"request","path":"/a b","status":200}', 'i')).toEqual({ text: 'request  path="/a b"  status=200', json: true });
    expect(displayText('\x1b[31mred\x1b[0m', null)).toEqual({ text: 'red', json: false });
  });
});

const mk = (n: number, text = `line ${n}`): Omit<ViewLine, 'id' | 'mg'> => ({ kind: 'line', source: 0, stderr: false, level: n % 2 ? 'i' : 'w', ts: TS, text });

describe('LogStore', () => {
  it('accounts for every line: kept + evicted + pending + skipped = received', () => {
    const s = new LogStore();
    const total = () => s.size + s.evicted + s.pending.length + s.skipped;
    s.add(Array.from({ length: MAX_LINES + 10 }, (_, i) => mk(i)));
    expect([s.size, s.evicted]).toEqual([MAX_LINES, 10]);
    s.setPaused(true);
    s.add(Array.from({ length: MAX_LINES + 5 }, (_, i) => mk(i)));
    expect([s.pending.length, s.skipped, s.arrivedWhilePaused]).toEqual([MAX_LINES, 5, MAX_LINES + 5]);
    expect(total()).toBe(s.received);
    s.setPaused(false);
    expect(s.pending.length).toBe(0);
    expect(s.at(s.viewCount - 1)?.text).toBe(`line ${MAX_LINES + 4}`);
    expect(total()).toBe(s.received);
  });
  it('filters by search and level, and keeps the match count right as old lines are dropped', () => {
    const s = new LogStore();
    s.add(Array.from({ length: 10 }, (_, i) => mk(i, i % 3 === 0 ? `hit ${i}` : `miss ${i}`)));
    const search = compileSearch({ query: 'hit', regex: false, caseSensitive: false });
    s.setFilter({ matcher: search.ok ? search.matcher : null, onlyMatches: true, minLevel: null });
    expect(s.matchCount).toBe(4);
    expect(Array.from({ length: s.viewCount }, (_, i) => s.at(i)?.text)).toEqual(['hit 0', 'hit 3', 'hit 6', 'hit 9']);
    s.setFilter({ matcher: search.ok ? search.matcher : null, onlyMatches: false, minLevel: 3 });
    expect(s.viewCount).toBe(5); // WARN lines (even n)
    expect(s.matchCount).toBe(2); // hit 0 and hit 6 are WARN
    s.add(Array.from({ length: MAX_LINES }, (_, i) => mk(i + 1, 'filler')));
    expect(s.matchCount).toBe(0);
  });
  it('publishes the first lines after a quiet spell at once, then batches; a flood is batched longer', async () => {
    const s = new LogStore();
    let published = 0;
    s.subscribe(() => published++);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Leading edge: shown synchronously, no timer hop.
    s.add([mk(1)]);
    expect(published).toBe(1);
    // Within the interval: batched into one trailing publish.
    s.add([mk(2)]);
    s.add([mk(3)]);
    expect(published).toBe(1);
    await sleep(LIGHT_FLUSH_MS + 30);
    expect(published).toBe(2);
    expect(s.getSnapshot()).toBeGreaterThan(0);
    // Quiet again: the next line is immediate.
    await sleep(LIGHT_FLUSH_MS + 10);
    s.add([mk(4)]);
    expect(published).toBe(3);
    // A flood (more lines than a screen shows in one flush): the next publish waits the flood interval.
    await sleep(LIGHT_FLUSH_MS + 10);
    s.add(Array.from({ length: 1000 }, (_, i) => mk(i)));
    expect(published).toBe(4);
    const t = performance.now();
    s.add([mk(5)]);
    while (published === 4 && performance.now() - t < 1000) await sleep(5);
    expect(performance.now() - t).toBeGreaterThanOrEqual(FLOOD_FLUSH_MS - 10);
    expect(s.at(s.viewCount - 1)?.text).toBe('line 5');
  });
});
