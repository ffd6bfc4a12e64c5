/**
 * Copying one backup set to one target: each file encrypted on the way out and streamed into a
 * multipart upload (parts of 8 MiB, two in flight: memory stays bounded whatever the size), each
 * file retried as a whole when its upload fails, then the set's index, then a check of what the
 * bucket holds against what was sent.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { OpsdeckError } from '@/lib/errors';
import type { BackupEntry } from '@/lib/backup/catalogue';
import { formatBytes } from '@/lib/backup/failure';
import type { JobContext } from '@/lib/jobs';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';
import { Tap, encryptFile } from './crypt';
import { s3Sdk, s3Upload } from './sdk';
import { SET_FORMAT, indexKey, objectKey, setIndexSchema, type SetIndex } from './layout';
import { setFiles, type SetFile } from './set-files';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';

const PART_SIZE = 8 * 1024 * 1024;

export interface UploadOptions {
  /** Whole-file attempts (the SDK also retries each request on its own). */
  attempts?: number;
  /** Delay before attempt n+1 (ms); grows linearly. */
  retryDelayMs?: number;
}

type Ctx = Pick<JobContext, 'emit' | 'signal'>;

async function withRetries<T>(what: Said, ctx: Ctx, opts: UploadOptions, fn: () => Promise<T>): Promise<T> {
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || ctx.signal.aborted) throw e;
      const wait = (opts.retryDelayMs ?? 5000) * i;
      ctx.emit({ type: 'log', level: 'warn', ...say('log.offsite.retry', { what, attempt: String(i), attempts: String(attempts), error: (e as Error).message, seconds: String(Math.round(wait / 1000)) }) });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function uploadFile(s3: S3Client, target: OffsiteTarget, stack: string, id: string, file: SetFile, ctx: Ctx): Promise<SetIndex['files'][number]> {
  const plain = new Tap();
  const { stream, size } = await encryptFile(file.path, target.recipients, plain);
  const t0 = Date.now();
  // Made once, not per chunk.
  const phase = keyedPhase(say('progress.uploading', { file: file.name, target: target.name }));
  const sent = new Tap((n) => ctx.emit({ type: 'progress', ...phase, bytes: n, totalBytes: size, rate: Math.round(n / Math.max(0.001, (Date.now() - t0) / 1000)) }));
  stream.on('error', (e) => sent.destroy(e));
  stream.pipe(sent);
  const { Upload } = await s3Upload();
  const upload = new Upload({
    client: s3,
    params: { Bucket: target.bucket, Key: objectKey(target, stack, id, file.name), Body: sent, ContentLength: size, ContentType: 'application/octet-stream' },
    partSize: PART_SIZE,
    queueSize: 2,
    leavePartsOnError: false,
  });
  const abort = () => void upload.abort();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    stream.destroy();
  }
  if (sent.bytes !== size) throw new OpsdeckError('internal', say('errors.offsite.sentMismatch', { file: file.name, sent: String(sent.bytes), size: String(size) }));
  return { name: file.name, size: plain.bytes, sha256: plain.digest(), encryptedSize: sent.bytes, encryptedSha256: sent.digest() };
}

/** What the bucket holds for the set matches the index: every object's size, and the index's own bytes. */
export async function verifyRemoteSet(s3: S3Client, target: OffsiteTarget, index: SetIndex, indexBytes: string): Promise<void> {
  for (const f of index.files) {
    const { HeadObjectCommand } = await s3Sdk();
    const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey(target, index.stack, index.id, f.name) }));
    if (head.ContentLength !== f.encryptedSize) {
      throw new OpsdeckError('conflict', say('errors.offsite.copySize', { file: f.name, target: target.name, size: head.ContentLength === undefined ? say('errors.offsite.unknownSize') : String(head.ContentLength), sent: String(f.encryptedSize) }));
    }
  }
  const { GetObjectCommand } = await s3Sdk();
  const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: indexKey(target, index.stack, index.id) }));
  const text = (await got.Body?.transformToString('utf8')) ?? '';
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  if (sha(text) !== sha(indexBytes)) throw new OpsdeckError('conflict', say('errors.offsite.indexMismatch', { set: index.id, target: target.name }));
}

/** Uploads and verifies one set; returns its index. Throws when it cannot be copied. */
export async function uploadSet(s3: S3Client, target: OffsiteTarget, entry: BackupEntry, ctx: Ctx, opts: UploadOptions = {}): Promise<SetIndex> {
  const stack = entry.manifest.stack;
  const { files, manifest } = setFiles(entry);
  const done: SetIndex['files'] = [];
  for (const f of files) {
    const r = await withRetries(say('log.offsite.what.upload', { file: f.name, target: target.name }), ctx, opts, () => uploadFile(s3, target, stack, entry.id, f, ctx));
    ctx.emit({ type: 'log', ...say('log.offsite.uploaded', { file: f.name, target: target.name, size: formatBytes(r.encryptedSize) }) });
    done.push(r);
  }
  const dump = done.find((f) => f.name === entry.fileName);
  // The dump read now must be the dump the manifest describes: a file changed since is not copied.
  if (!dump || dump.sha256 !== entry.manifest.sha256) throw new OpsdeckError('conflict', say('errors.offsite.dumpChanged', { backup: entry.id }));
  const index: SetIndex = setIndexSchema.parse({
    format: SET_FORMAT, stack, id: entry.id, finishedAt: entry.manifest.finishedAt, uploadedAt: new Date().toISOString(), reason: entry.manifest.reason,
    manifest: manifest.name, files: done,
  });
  const body = `${JSON.stringify(index, null, 2)}\n`;
  const { PutObjectCommand } = await s3Sdk();
  await withRetries(say('log.offsite.what.index', { id: entry.id }), ctx, opts, () =>
    s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: indexKey(target, stack, entry.id), Body: body, ContentType: 'application/json' })));
  await withRetries(say('log.offsite.what.check', { id: entry.id, target: target.name }), ctx, opts, () => verifyRemoteSet(s3, target, index, body));
  return index;
}
