import { describe, expect, it } from 'vitest';
import { isKeptOf, keptName } from './databases';

describe('kept database names', () => {
  const at = new Date('2026-12-04T14:34:04.123Z');

  it('carry the job id: a restore and its undo within the same second get different names', () => {
    expect(keptName('memos', '41', at)).toBe('memos__kept_20261204_143404_41');
    expect(keptName('memos', '42', at)).not.toBe(keptName('memos', '41', at));
  });

  it('stay within 63 bytes by cutting the base, and are still recognised', () => {
    const long = 'd'.repeat(60);
    const name = keptName(long, '12345', at);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name.endsWith('__kept_20261204_143404_12345')).toBe(true);
    expect(isKeptOf(long, name)).toBe(true);
  });

  it('recognise the names of earlier versions (no job id), not those of another database', () => {
    expect(isKeptOf('memos', 'memos__kept_20261204_143404')).toBe(true);
    expect(isKeptOf('memos', 'memos__kept_20261204_143404_7')).toBe(true);
    expect(isKeptOf('memos', 'mem__kept_20261204_143404_7')).toBe(false);
    expect(isKeptOf('memos', 'memos2__kept_20261204_143404_7')).toBe(false);
    expect(isKeptOf('memos', 'memos__restore_7')).toBe(false);
    expect(isKeptOf('memos', 'memos__kept_2026120_143404')).toBe(false);
  });
});
