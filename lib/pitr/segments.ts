/**
 * The archived WAL of one epoch: completed segments checksummed once (sums.json), the current
 * `.partial`, and the holes. pg_receivewal writes a segment as `<name>.partial` and renames it only
 * once complete, so a file without the suffix is whole; a `.partial` is zero-padded past the last
 * byte received and is only ever used as the newest segment of a rebuild, never in the middle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from '@/lib/backup/file-sink';
import { writeFileAtomic } from '@/lib/backup/manifest';

export const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;
const SUMS = 'sums.json';

export interface SegmentSum {
  sha256: string;
  size: number;
  /** When its last byte was written (the file's mtime): the segment holds WAL up to about then. */
  endedAt: string;
}

export interface Gap {
  /** First missing (or damaged) segment. */
  from: string;
  /** Last missing one. */
  to: string;
  /** Points from here on, until a later base backup, cannot be restored. */
  after: string;
  why: 'missing' | 'damaged';
}

export interface EpochWal {
  sums: Record<string, SegmentSum>;
  partial: string | null;
  segSize: number;
}

export function lsnToBigInt(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** Segment number of a file name, for segments of `segSize` bytes. */
export function segNo(name: string, segSize: number): bigint {
  const m = SEGMENT.exec(name);
  if (!m) throw new Error(`not a WAL segment name: ${name}`);
  return BigInt(`0x${m[2]}`) * (0x100000000n / BigInt(segSize)) + BigInt(`0x${m[3]}`);
}

export function segName(timeline: string, no: bigint, segSize: number): string {
  const per = 0x100000000n / BigInt(segSize);
  const hex = (n: bigint) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${timeline}${hex(no / per)}${hex(no % per)}`;
}

export const lsnSegment = (lsn: string, timeline: string, segSize: number) => segName(timeline, lsnToBigInt(lsn) / BigInt(segSize), segSize);

export function readSums(dir: string): Record<string, SegmentSum> {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, SUMS), 'utf8')) as Record<string, SegmentSum>;
  } catch {
    return {};
  }
}

/** Checksums the completed segments not seen yet; returns the epoch's catalogue. */
export async function catalogueSegments(dir: string): Promise<EpochWal> {
  const sums = readSums(dir);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return { sums, partial: null, segSize: 16 * 1024 * 1024 };
  }
  let changed = false;
  let segSize = 0;
  for (const n of names.filter((f) => SEGMENT.test(f)).sort()) {
    const st = fs.statSync(path.join(dir, n));
    segSize ||= st.size;
    if (sums[n]) continue;
    sums[n] = { sha256: await sha256File(path.join(dir, n)), size: st.size, endedAt: st.mtime.toISOString() };
    changed = true;
  }
  const partials = names.filter((f) => f.endsWith('.partial') && SEGMENT.test(f.slice(0, -8))).sort();
  const partial = partials.length ? partials[partials.length - 1] : null;
  if (!segSize && partial) segSize = fs.statSync(path.join(dir, partial)).size;
  if (changed) writeFileAtomic(path.join(dir, SUMS), JSON.stringify(sums, null, 1));
  return { sums, partial, segSize: segSize || 16 * 1024 * 1024 };
}

/**
 * Holes in the sequence from `first` on: a segment listed in sums.json but gone or changed on disk,
 * or never there although a later one is. Checks the files' checksums again when `verify` is set.
 */
export async function findGaps(dir: string, wal: EpochWal, first: string, verify: boolean): Promise<Gap[]> {
  const timeline = first.slice(0, 8);
  const names = Object.keys(wal.sums).filter((n) => n >= first && n.startsWith(timeline)).sort();
  const newest = wal.partial ? wal.partial.slice(0, -8) : names[names.length - 1];
  if (!newest) return [];
  const gaps: Gap[] = [];
  const start = segNo(first, wal.segSize);
  const end = segNo(newest, wal.segSize);
  let prevEnd = '';
  let open: Gap | null = null;
  for (let no = start; no <= end; no++) {
    const name = segName(timeline, no, wal.segSize);
    const isPartial = wal.partial === `${name}.partial`;
    let bad: Gap['why'] | null = null;
    if (!isPartial) {
      const sum = wal.sums[name];
      const file = path.join(dir, name);
      if (!sum || !fs.existsSync(file)) bad = 'missing';
      else if (verify && (await sha256File(file)) !== sum.sha256) bad = 'damaged';
      else if (fs.statSync(file).size !== sum.size) bad = 'damaged';
    }
    if (bad) {
      if (open) open.to = name;
      else open = { from: name, to: name, after: prevEnd, why: bad };
    } else {
      if (open) gaps.push(open);
      open = null;
      prevEnd = isPartial ? prevEnd : wal.sums[name].endedAt;
    }
  }
  if (open) gaps.push(open);
  return gaps;
}
