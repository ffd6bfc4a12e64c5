import { describe, expect, it } from 'vitest';
import { FrameLines } from './swarm-log-frames';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

function parse(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const p = new FrameLines((s, t) => out.push(`${s}:${t}`));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

describe('FrameLines', () => {
  const body = Buffer.concat([
    frame(1, 'one\n'),
    frame(2, 'err α\n'),
    frame(1, 'two part'),
    frame(2, 'err β\n'),
    frame(1, 'ial\nthree\n'),
    frame(1, 'last without newline'),
  ]);
  const expected = ['stdout:one', 'stderr:err α', 'stderr:err β', 'stdout:two partial', 'stdout:three', 'stdout:last without newline'];

  it('splits frames into lines per stream, a line across frames joined', () => {
    expect(parse([body])).toEqual(expected);
  });

  it('gives the same lines whatever the chunk boundaries (inside headers, payloads and UTF-8 characters)', () => {
    for (let size = 1; size <= 13; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
      expect(parse(chunks), `chunks of ${size} bytes`).toEqual(expected);
    }
  });
});
