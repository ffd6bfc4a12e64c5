import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pitrSchema, pitrSettings } from '../stacks/pitr-schema';
import { catalogueSegments, findGaps, lsnSegment, segName, segNo } from './segments';

const SEG = 1024; // small "segments": the logic only depends on names and sizes
let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
const write = (name: string, byte: number) => fs.writeFileSync(path.join(dir, name), Buffer.alloc(SEG, byte));

describe('WAL segment catalogue', () => {
  it('names segments as PostgreSQL does and finds the one an LSN is in', () => {
    const big = 16 * 1024 * 1024;
    expect(segNo('000000010000000100000002', big)).toBe(258n);
    expect(segName('00000001', 258n, big)).toBe('000000010000000100000002');
    expect(lsnSegment('1/2000028', '00000001', big)).toBe('000000010000000100000002');
  });

  it('checksums completed segments once, keeps the .partial apart, and reports missing and damaged ones as gaps', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-wal-'));
    const names = [0n, 1n, 2n, 3n].map((n) => segName('00000001', n, SEG));
    names.forEach((n, i) => write(n, i));
    write(`${segName('00000001', 4n, SEG)}.partial`, 9);
    const wal = await catalogueSegments(dir);
    expect(Object.keys(wal.sums)).toEqual(names);
    expect(wal.partial).toBe(`${segName('00000001', 4n, SEG)}.partial`);
    expect(await findGaps(dir, wal, names[0], true)).toEqual([]);

    fs.rmSync(path.join(dir, names[2]));
    write(names[1], 7); // same size, other bytes: only the checksum tells
    const gaps = await findGaps(dir, await catalogueSegments(dir), names[0], true);
    expect(gaps).toEqual([{ from: names[1], to: names[2], after: wal.sums[names[0]].endedAt, why: 'damaged' }]);
  });
});

describe('backups.pitr settings', () => {
  it('fills defaults and rejects unknown keys and bad numbers', () => {
    expect(pitrSettings(pitrSchema.parse({ enabled: true, keepDays: 3 }))).toEqual({ enabled: true, keepDays: 3, baseBackupHours: 24, slotLimitMb: 2048, lagAlertSeconds: 120 });
    expect(pitrSchema.safeParse({ enabled: true, keepdays: 3 }).success).toBe(false);
    expect(pitrSchema.safeParse({ enabled: true, keepDays: -1 }).success).toBe(false);
  });
});
