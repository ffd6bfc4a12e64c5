import { describe, expect, it } from 'vitest';
import { mergeByTime } from './merge';
import type { LogItem } from './types';

const line = (source: number, sec: number): LogItem => ({
  kind: 'line', source, stream: 'stdout', level: null, text: `s${source}@${sec}`,
  ts: `2024-05-01T12:00:${String(sec).padStart(2, '0')}.000000000Z`,
});

async function* source(items: LogItem[], delayMs = 0, batch = 2): AsyncGenerator<LogItem[]> {
  for (let i = 0; i < items.length; i += batch) {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    yield items.slice(i, i + batch);
  }
}

async function collect(it: AsyncIterable<LogItem[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const b of it) for (const i of b) out.push(i.text);
  return out;
}

describe('mergeByTime', () => {
  it('strict: interleaves finite sources by stamp, whatever their speed', async () => {
    const a = [1, 3, 5, 7].map((s) => line(0, s));
    const b = [2, 4, 6, 8].map((s) => line(1, s));
    const merged = await collect(mergeByTime([source(a, 0), source(b, 15, 1)], { windowMs: null, signal: new AbortController().signal }));
    expect(merged).toEqual(['s0@1', 's1@2', 's0@3', 's1@4', 's0@5', 's1@6', 's0@7', 's1@8']);
  });

  it('live: a silent source does not hold the others back longer than the window', async () => {
    const ctrl = new AbortController();
    async function* silent(): AsyncGenerator<LogItem[]> {
      await new Promise((r) => ctrl.signal.addEventListener('abort', r));
    }
    const it = mergeByTime([source([line(0, 1), line(0, 2)]), silent()], { windowMs: 50, signal: ctrl.signal })[Symbol.asyncIterator]();
    const t0 = Date.now();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect((first.value as LogItem[]).map((i) => i.text)).toEqual(['s0@1', 's0@2']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    ctrl.abort();
    await it.return?.(undefined);
  });

  it('stops reading a source whose queue is full until the reader catches up', async () => {
    let produced = 0;
    async function* fast(): AsyncGenerator<LogItem[]> {
      for (let i = 0; i < 100; i++) {
        produced += 10;
        yield Array.from({ length: 10 }, (_, k) => line(0, 0 + ((i * 10 + k) % 60)));
      }
    }
    async function* slow(): AsyncGenerator<LogItem[]> {
      await new Promise((r) => setTimeout(r, 200));
      yield [line(1, 59)];
    }
    const it = mergeByTime([fast(), slow()], { windowMs: null, signal: new AbortController().signal, highWater: 50 })[Symbol.asyncIterator]();
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 100));
    expect(produced).toBeLessThanOrEqual(70);
    await pending;
    await it.return?.(undefined);
  });

  it('puts a line that arrives after a later-stamped one of its own lane back in order (stdout and stderr are copied by two readers)', async () => {
    const a = [line(0, 1), line(0, 4), line(0, 3), line(0, 6)];
    const b = [2, 5].map((s) => line(1, s));
    const merged = await collect(mergeByTime([source(a, 0, 4), source(b, 0, 2)], { windowMs: null, signal: new AbortController().signal }));
    expect(merged).toEqual(['s0@1', 's1@2', 's0@3', 's0@4', 's1@5', 's0@6']);
  });

  it('live: a late line waits as long as the line it now precedes, and the lane is released in order', async () => {
    const ctrl = new AbortController();
    async function* silent(): AsyncGenerator<LogItem[]> {
      await new Promise((r) => ctrl.signal.addEventListener('abort', r));
    }
    async function* late(): AsyncGenerator<LogItem[]> {
      yield [line(0, 1), line(0, 3)];
      await new Promise((r) => setTimeout(r, 10));
      yield [line(0, 2)];
    }
    // The window is long next to the 10 ms the late line takes, so a loaded machine still delivers it in time.
    const it = mergeByTime([late(), silent()], { windowMs: 2000, signal: ctrl.signal })[Symbol.asyncIterator]();
    const seen: string[] = [];
    while (seen.length < 3) {
      const r = await it.next();
      if (r.done) break;
      seen.push(...(r.value as LogItem[]).map((i) => i.text));
    }
    expect(seen).toEqual(['s0@1', 's0@2', 's0@3']);
    ctrl.abort();
    await it.return?.(undefined);
  });
});
