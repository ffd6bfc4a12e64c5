import { describe, expect, it } from 'vitest';
import { advance, CursorGate, formatCursor, formatPosition, parseCursor, parseResume } from './cursor';
import { encodeSseBatch, type SseState } from './encode';
import type { LogLine } from './types';
import { dateToDockerParam, isDockerTs, parseTimeInput, tsFromDate, tsToDockerParam } from './timestamp';
import { detectLevel } from './json-level';

const T = '2024-05-01T12:00:00.123456789Z';
const U = '2024-05-01T12:00:00.123456790Z';

describe('cursor', () => {
  it('round-trips as an SSE id, with a count only when several lines share the stamp', () => {
    expect(formatCursor({ ts: T, n: 1 })).toBe(T);
    expect(formatCursor({ ts: T, n: 3 })).toBe(`${T}~3`);
    expect(parseCursor(T)).toEqual({ ts: T, n: 1 });
    expect(parseCursor(`${T}~3`)).toEqual({ ts: T, n: 3 });
    for (const bad of ['', 'x', `${T}~`, `${T}~-1`, `${T}~1~2`, '2024-05-01T12:00:00Z']) expect(parseCursor(bad)).toBeNull();
  });

  it('counts lines at the same stamp', () => {
    let c = advance(null, T);
    c = advance(c, T);
    expect(c).toEqual({ ts: T, n: 2 });
    expect(advance(c, U)).toEqual({ ts: U, n: 1 });
    // A line released late by a live merge does not move the cursor back.
    expect(advance({ ts: U, n: 1 }, T)).toEqual({ ts: U, n: 1 });
  });

  it('a merged position keeps one cursor per service and round-trips through Last-Event-ID', () => {
    const id = formatPosition({ ts: T, n: 0 }, ['app', 'db', 'idle'], [{ ts: U, n: 2 }, { ts: T, n: 1 }, null]);
    expect(id).toBe(`${T}~0|app=${U}~2|db=${T}`);
    expect(parseResume(id)).toEqual({ floor: { ts: T, n: 0 }, bySource: { app: { ts: U, n: 2 }, db: { ts: T, n: 1 } } });
    expect(parseResume(T)).toEqual({ floor: { ts: T, n: 1 }, bySource: {} });
    for (const bad of ['', `|app=${T}`, `${T}|app`, `${T}|app=x`, `${T}|a b=${T}`, `${T}|app=${T}|app=${U}`]) expect(parseResume(bad)).toBeNull();
  });

  it('an SSE id after a merge released an older line late still covers the newer line of the other service', () => {
    const line = (source: number, ts: string): LogLine => ({ kind: 'line', source, stream: 'stdout', ts, text: 'x', level: null });
    const state: SseState = { sources: ['a', 'b'], cursors: [null, null], floor: () => ({ ts: T, n: 0 }) };
    // b's newer line went first (a was quiet past the merge window); a's older line came late.
    const out = encodeSseBatch([line(1, U), line(0, T)], state);
    const id = /^id: (.+)$/m.exec(out)![1];
    const resume = parseResume(id)!;
    // Resuming: b skips its line at U, a skips its line at T: nothing twice, nothing skipped.
    const gateA = new CursorGate(resume.bySource.a);
    const gateB = new CursorGate(resume.bySource.b);
    expect([gateA.admit(T), gateA.admit(U)]).toEqual([false, true]);
    expect([gateB.admit(T), gateB.admit(U)]).toEqual([false, false]);
  });

  it('gate: resuming from a cursor neither repeats nor skips a line, even when stamps collide', () => {
    // What Docker returns for since=T (inclusive): three lines at T, then later ones.
    const replay = [T, T, T, U, U];
    const gate = new CursorGate({ ts: T, n: 2 });
    expect(replay.map((ts) => gate.admit(ts))).toEqual([false, false, true, true, true]);
    const older = new CursorGate({ ts: U, n: 1 });
    expect(older.admit(T)).toBe(false);
  });
});

describe('timestamps', () => {
  it('converts Docker stamps to the API since/until form without losing nanoseconds', () => {
    expect(isDockerTs(T)).toBe(true);
    expect(tsToDockerParam(T)).toBe(`${Date.UTC(2024, 4, 1, 12) / 1000}.123456789`);
    expect(tsFromDate(new Date('2024-05-01T12:00:00.123Z'))).toBe('2024-05-01T12:00:00.123000000Z');
    expect(dateToDockerParam(new Date('1970-01-01T00:00:05.250Z'))).toBe('5.250000000');
  });

  it('parses ISO instants with a zone and spans back from now, nothing else', () => {
    const now = Date.UTC(2024, 0, 1, 12);
    expect(parseTimeInput('15m', now)?.toISOString()).toBe('2024-01-01T11:45:00.000Z');
    expect(parseTimeInput('2024-05-01T14:00:00+02:00')?.toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(parseTimeInput('2024-05-01T12:00:00.123456789Z')?.toISOString()).toBe('2024-05-01T12:00:00.123Z');
    for (const bad of ['2024-05-01', '2024-05-01T12:00:00', 'yesterday', '15x', '-5m']) expect(parseTimeInput(bad, now)).toBeNull();
  });
});

describe('detectLevel', () => {
  it('reads common JSON level fields and pino numbers; plain text by its own conventions (text-level.test.ts)', () => {
    expect(detectLevel('{"time":"x","level":"INFO","msg":"hi"}')).toBe('info');
    expect(detectLevel('{"lvl":"warning"}')).toBe('warn');
    expect(detectLevel('{"severity":"CRITICAL"}')).toBe('fatal');
    expect(detectLevel('{"level":50,"msg":"x"}')).toBe('error');
    expect(detectLevel('2024 ERROR something')).toBe('error');
    expect(detectLevel('2024 all went well')).toBeNull();
    expect(detectLevel('{"msg":"no level"}')).toBeNull();
  });
});
