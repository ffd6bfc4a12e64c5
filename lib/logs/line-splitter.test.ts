import { describe, expect, it } from 'vitest';
import type { LogPiece } from '@/lib/docker/logs';
import { LineSplitter } from './line-splitter';
import type { LogLine } from './types';

const TS1 = '2024-05-01T12:00:00.000000001Z';
const TS2 = '2024-05-01T12:00:00.000000002Z';
const TS3 = '2024-05-01T12:00:01.500000000Z';

/** Cuts `data` into pieces at the given offsets (the first piece keeps messageStart). */
function cut(stream: LogPiece['stream'], data: Buffer, at: number[], messageStart = true): LogPiece[] {
  const bounds = [0, ...at, data.length];
  return bounds.slice(0, -1).map((b, i) => ({ stream, data: data.subarray(b, bounds[i + 1]), messageStart: messageStart && i === 0 }));
}

function run(pieces: LogPiece[], opts: { tty?: boolean; max?: number } = {}): LogLine[] {
  const s = new LineSplitter({ source: 0, tty: opts.tty ?? false, maxLineBytes: opts.max });
  const out: LogLine[] = [];
  // Feed one piece at a time, as if every piece came in its own chunk.
  for (const p of pieces) s.push([p], out);
  s.end(out);
  return out;
}

describe('LineSplitter (multiplexed)', () => {
  it('strips the stamp, keeps streams apart and detects JSON levels', () => {
    const lines = run([
      { stream: 'stdout', data: Buffer.from(`${TS1} hello\n`), messageStart: true },
      { stream: 'stderr', data: Buffer.from(`${TS2} {"level":"WARN","msg":"disk"}\n`), messageStart: true },
    ]);
    expect(lines.map((l) => [l.stream, l.ts, l.text, l.level])).toEqual([
      ['stdout', TS1, 'hello', null],
      ['stderr', TS2, '{"level":"WARN","msg":"disk"}', 'warn'],
    ]);
  });

  it('joins a line cut inside the stamp, inside a UTF-8 character and before the newline', () => {
    const data = Buffer.from(`${TS1} héllo wörld ✓\n`);
    for (const at of [[5], [29, 30], [31], [33], [data.length - 3], [data.length - 1], [1, 2, 3, 40]]) {
      const lines = run(cut('stdout', data, at));
      expect(lines.map((l) => [l.ts, l.text])).toEqual([[TS1, 'héllo wörld ✓']]);
    }
  });

  it("joins Docker's 16 KiB partial messages into one line with the first stamp", () => {
    const a = 'a'.repeat(16 * 1024);
    const lines = run([
      { stream: 'stdout', data: Buffer.from(`${TS1} ${a}`), messageStart: true },
      { stream: 'stdout', data: Buffer.from(`${TS2} tail\n`), messageStart: true },
      { stream: 'stdout', data: Buffer.from(`${TS3} next\n`), messageStart: true },
    ]);
    expect(lines.map((l) => [l.ts, l.text.length])).toEqual([[TS1, a.length + 4], [TS3, 4]]);
  });

  it('cuts a line over the cap with a marker counting the dropped bytes, on a character boundary', () => {
    const long = 'é'.repeat(100); // 200 bytes
    const lines = run(
      [
        { stream: 'stdout', data: Buffer.from(`${TS1} ${long}\n`), messageStart: true },
        { stream: 'stdout', data: Buffer.from(`${TS2} short\n`), messageStart: true },
      ],
      { max: 51 },
    );
    expect(lines[0].text).toBe(`${'é'.repeat(25)} …[line cut: 150 more bytes]`);
    // The cap affects that line only.
    expect(lines[1].text).toBe('short');
  });

  it('emits a last line without a newline at the end of the stream, and drops a trailing \\r', () => {
    const lines = run([
      { stream: 'stdout', data: Buffer.from(`${TS1} crlf\r\n`), messageStart: true },
      { stream: 'stdout', data: Buffer.from(`${TS2} no newline`), messageStart: true },
    ]);
    expect(lines.map((l) => l.text)).toEqual(['crlf', 'no newline']);
  });
});

describe('LineSplitter (TTY)', () => {
  it('finds the stamp at every line start, across chunks', () => {
    const data = Buffer.from(`${TS1} one\r\n${TS2} \x1b[31mtwo\x1b[0m\r\n`);
    for (const at of [[], [10], [33], [36, 40], [data.length - 1]]) {
      const lines = run(cut('stdout', data, at, false), { tty: true });
      expect(lines.map((l) => [l.ts, l.text])).toEqual([[TS1, 'one'], [TS2, '\x1b[31mtwo\x1b[0m']]);
    }
  });

  it('removes the inline stamp Docker puts after each 16 KiB part of a long TTY line', () => {
    const a = 'x'.repeat(16 * 1024);
    const data = Buffer.from(`${TS1} ${a}${TS2} rest\r\n${TS3} after\r\n`);
    const lines = run(cut('stdout', data, [100, 16 * 1024 + 20], false), { tty: true });
    expect(lines.map((l) => [l.ts, l.text.length])).toEqual([[TS1, a.length + 4], [TS3, 5]]);
  });
});
