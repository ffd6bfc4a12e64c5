/**
 * age encryption as streams: the package encrypts a web ReadableStream chunk by chunk (age's own
 * STREAM format, 64 KiB payload chunks), so a file of any size passes through in bounded memory.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { Decrypter, Encrypter } from 'age-encryption';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';

// The DOM and Node typings of the same web stream differ; they are one object at run time.
type WebStream = import('node:stream/web').ReadableStream<Uint8Array>;

/**
 * The encrypted bytes of `file` as a Node stream, with their exact length (for S3's Content-Length).
 * `plain` sees the plain bytes on their way in (to hash them in the same read).
 */
export async function encryptFile(file: string, recipients: readonly string[], plain: Tap): Promise<{ stream: Readable; size: number }> {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  const plainSize = fs.statSync(file).size;
  const read = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  read.on('error', (err) => plain.destroy(err));
  const source = Readable.toWeb(read.pipe(plain)) as ReadableStream<Uint8Array>;
  const out = await e.encrypt(source);
  return { stream: Readable.fromWeb(out as unknown as WebStream), size: out.size(plainSize) };
}

/** Checks that an identity string parses, before anything is downloaded. */
export function decrypterFor(identity: string): Decrypter {
  const d = new Decrypter();
  const lines = identity.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0) throw new OpsdeckError('invalid_input', say('errors.offsite.pasteKey'));
  for (const line of lines) {
    try {
      d.addIdentity(line);
    } catch {
      throw new OpsdeckError('invalid_input', say('errors.offsite.notAKey'));
    }
  }
  return d;
}

/** Decrypts a web stream; a key that does not open it is a clear error, not a crash. */
export async function decryptStream(d: Decrypter, encrypted: Readable): Promise<Readable> {
  try {
    const out = await d.decrypt(Readable.toWeb(encrypted) as ReadableStream<Uint8Array>);
    return Readable.fromWeb(out as unknown as WebStream);
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/no identity matched/i.test(msg)) {
      throw new OpsdeckError('invalid_input', say('errors.offsite.wrongKey'), { detail: msg });
    }
    throw new OpsdeckError('conflict', say('errors.offsite.undecryptable'), { detail: msg });
  }
}

/** A pass-through that counts and hashes what flows through it. */
export class Tap extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    cb(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}
