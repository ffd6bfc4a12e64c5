import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarFingerprint } from './tar-fingerprint';

/** A folder `volume/` with the given files, written in the given order, archived by GNU tar (pax format). */
function archive(files: [string, string][], opts: { symlink?: boolean } = {}): Buffer {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-fp-'));
  try {
    const dir = path.join(root, 'volume');
    fs.mkdirSync(dir);
    for (const [name, content] of files) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    if (opts.symlink) fs.symlinkSync('a.txt', path.join(dir, 'link'));
    return execFileSync('tar', ['--format=pax', '-cf', '-', '-C', root, 'volume'], { maxBuffer: 64 * 1024 * 1024 });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function summarize(tar: Buffer, chunk = 777) {
  const fp = new TarFingerprint('volume/');
  for (let i = 0; i < tar.length; i += chunk) fp.feed(tar.subarray(i, i + chunk));
  return fp.summary();
}

describe('tar fingerprint', () => {
  const long = `deep/${'x'.repeat(150)}/${'y'.repeat(120)}.bin`;
  const files: [string, string][] = [['a.txt', 'hello'], ['sub/b.txt', 'world'.repeat(1000)], ['empty', ''], [long, 'long name']];

  it('counts files and bytes, whatever the chunking, and reads pax long names', () => {
    const tar = archive(files);
    const one = summarize(tar, 1);
    expect(one).toEqual(summarize(tar, 65536));
    expect(one.files).toBe(4);
    expect(one.bytes).toBe(5 + 5000 + 0 + 9);
  });

  it('is the same for the same files written in another order, and differs when one byte or a link changes', () => {
    const base = summarize(archive(files)).fingerprint;
    expect(summarize(archive([...files].reverse())).fingerprint).toBe(base);
    expect(summarize(archive([['a.txt', 'hellO'], ...files.slice(1)])).fingerprint).not.toBe(base);
    expect(summarize(archive(files, { symlink: true })).fingerprint).not.toBe(base);
  });
});
