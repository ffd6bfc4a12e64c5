/**
 * A tar archive of a few small regular files, for Docker's "put archive" endpoint (the only way to
 * place a file in a container without a shell). ustar headers, owner root, mode 0644.
 */
import path from 'node:path';

export interface ContainerFile {
  /** Absolute path in the container; its folder must exist there (e.g. /tmp). */
  path: string;
  content: string;
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text.slice(0, len), at, len, 'latin1');
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0');
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  h.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${octal(sum, 7)}\u0000 `, 148, 8);
  return h;
}

/** One archive per folder: Docker extracts an archive into one folder. */
export function tarByFolder(files: ContainerFile[]): Map<string, Buffer> {
  const groups = new Map<string, Buffer[]>();
  for (const f of files) {
    if (!path.posix.isAbsolute(f.path)) throw new Error(`not an absolute path: ${f.path}`);
    const body = Buffer.from(f.content, 'utf8');
    const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
    const parts = groups.get(path.posix.dirname(f.path)) ?? [];
    parts.push(header(path.posix.basename(f.path), body.length), body, pad);
    groups.set(path.posix.dirname(f.path), parts);
  }
  return new Map([...groups].map(([dir, parts]) => [dir, Buffer.concat([...parts, Buffer.alloc(1024)])]));
}
