/**
 * What a volume archive holds, read from its tar stream as it passes (never buffered whole): the
 * number of regular files, their bytes, and a fingerprint — sha256 over one sorted line per entry
 * (path, type, size, content sha256, link target). Sorted because the engine writes entries in
 * directory order, which differs between the original volume and a restored copy; times and owners
 * are left out, so the same files give the same fingerprint wherever they were unpacked.
 */
import { createHash, type Hash } from 'node:crypto';
import { Writable } from 'node:stream';

export interface TarSummary {
  files: number;
  bytes: number;
  fingerprint: string;
}

interface Entry {
  path: string;
  type: string;
  size: number;
  link: string;
  hash: Hash | null;
}

const TYPE: Record<string, string> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '5': 'dir', '3': 'char', '4': 'block', '6': 'fifo' };

const text = (h: Buffer, start: number, len: number) => {
  const b = h.subarray(start, start + len);
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
};

function sizeOf(h: Buffer): number {
  // Base-256 (high bit set) for sizes above 8 GB, octal text otherwise.
  if (h[124] & 0x80) {
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i];
    return n;
  }
  return parseInt(text(h, 124, 12).trim() || '0', 8);
}

function paxRecords(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < buf.length) {
    const space = buf.indexOf(0x20, i);
    if (space < 0) break;
    const len = parseInt(buf.subarray(i, space).toString('utf8'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = buf.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export class TarFingerprint extends Writable {
  private head = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private entry: Entry | null = null;
  private meta: { kind: string; parts: Buffer[] } | null = null;
  private pax: Record<string, string> = {};
  private longName: string | null = null;
  private longLink: string | null = null;
  private lines: string[] = [];
  private files = 0;
  private bytes = 0;

  /** `strip`: the leading folder the engine names entries under (`volume/`), left out of paths. */
  constructor(private readonly strip = '') {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    try {
      this.feed(chunk);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  /** Reads `chunk` synchronously (for a tap on a stream going elsewhere). */
  feed(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        if (this.meta) this.meta.parts.push(Buffer.from(part));
        else this.entry?.hash?.update(part);
        this.remaining -= n;
        off += n;
        if (this.remaining === 0) this.endContent();
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - off);
        this.padding -= n;
        off += n;
      } else {
        const n = Math.min(512 - this.head.length, chunk.length - off);
        this.head = Buffer.concat([this.head, chunk.subarray(off, off + n)]);
        off += n;
        if (this.head.length === 512) {
          const h = this.head;
          this.head = Buffer.alloc(0);
          this.header(h);
        }
      }
    }
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) return;
    const flag = String.fromCharCode(h[156]);
    let size = sizeOf(h);
    this.padding = (512 - (size % 512)) % 512;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      this.meta = { kind: flag, parts: [] };
      this.remaining = size;
      if (size === 0) this.endContent();
      return;
    }
    const prefix = text(h, 345, 155);
    let name = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    if (this.pax.size) size = Number(this.pax.size);
    this.padding = (512 - (size % 512)) % 512;
    const link = this.pax.linkpath ?? this.longLink ?? text(h, 157, 100);
    this.pax = {};
    this.longName = null;
    this.longLink = null;
    if (this.strip && name.startsWith(this.strip)) name = name.slice(this.strip.length);
    name = name.replace(/\/+$/, '') || '.';
    const type = TYPE[flag] ?? `type-${flag}`;
    const isFile = type === 'file';
    this.entry = { path: name, type, size: isFile ? size : 0, link: isFile || type === 'dir' ? '' : link, hash: isFile ? createHash('sha256') : null };
    this.remaining = size;
    if (size === 0) this.endContent();
  }

  private endContent(): void {
    if (this.meta) {
      const body = Buffer.concat(this.meta.parts);
      if (this.meta.kind === 'x') this.pax = paxRecords(body);
      else if (this.meta.kind === 'L') this.longName = body.toString('utf8').replace(/\0+$/, '');
      else if (this.meta.kind === 'K') this.longLink = body.toString('utf8').replace(/\0+$/, '');
      this.meta = null;
      return;
    }
    const e = this.entry;
    if (!e) return;
    this.entry = null;
    if (e.type === 'file') {
      this.files++;
      this.bytes += e.size;
    }
    // The volume's own root folder is not an entry of its contents.
    if (e.path === '.' || e.path === '') return;
    this.lines.push([e.path, e.type, e.size, e.hash ? e.hash.digest('hex') : '-', e.link].join('\t'));
  }

  summary(): TarSummary {
    const fingerprint = createHash('sha256').update(this.lines.sort().join('\n')).digest('hex');
    return { files: this.files, bytes: this.bytes, fingerprint };
  }
}
