import { describe, expect, it } from 'vitest';
import { FrameSplitter, unframe } from './frames';

function frame(kind: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `body` cut at every given offset and collects what the splitter hands on. */
function feed(body: Buffer, cuts: number[]): Array<[number, string, boolean]> {
  const got: Array<[number, string, boolean]> = [];
  const s = new FrameSplitter();
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    s.split(body.subarray(at, cut), (kind, part, start) => {
      got.push([kind, part.toString('utf8'), start]);
    });
    at = cut;
  }
  return got;
}

describe('FrameSplitter', () => {
  const body = Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n'), frame(1, 'bye')]);

  it('splits whole frames in one chunk', () => {
    expect(feed(body, [])).toEqual([[1, 'hello\n', true], [2, 'oops\n', true], [1, 'bye', true]]);
  });

  it('joins a header split across chunks and marks only a frame’s first slice as its start', () => {
    // Cut inside the first header (3), inside the first payload (10), right after the second header (22).
    const got = feed(body, [3, 10, 22]);
    expect(got).toEqual([[1, 'he', true], [1, 'llo\n', false], [2, 'oops\n', true], [1, 'bye', true]]);
    expect(got.map(([, t]) => t).join('')).toBe('hello\noops\nbye');
  });

  it('cut at every byte still gives the same payloads per stream', () => {
    const got = feed(body, Array.from({ length: body.length - 1 }, (_, i) => i + 1));
    expect(got.filter(([k]) => k === 1).map(([, t]) => t).join('')).toBe('hello\nbye');
    expect(got.filter(([k]) => k === 2).map(([, t]) => t).join('')).toBe('oops\n');
    expect(got.filter(([, , start]) => start)).toHaveLength(3);
  });

  it('stops when the reader returns false', () => {
    const seen: string[] = [];
    new FrameSplitter().split(body, (_k, part) => {
      seen.push(part.toString());
      return false;
    });
    expect(seen).toEqual(['hello\n']);
  });
});

describe('unframe', () => {
  it('returns the payloads of a buffered body in order, a truncated last frame as far as it goes', () => {
    const cut = Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'cdef')]).subarray(0, 8 + 1 + 8 + 1 + 8 + 2);
    expect(unframe(cut).map((b) => b.toString())).toEqual(['a', 'b', 'cd']);
  });
});
