/**
 * Bringing a set back from a target into the local backup folder, for a restore: every object is
 * downloaded and checked against the set's index (size, sha256 of the encrypted bytes) before
 * anything is decrypted; each file is decrypted with the key the admin supplied and checked again
 * (plain sha256 against the index, the dump against its manifest). Only a set that passes every
 * check is moved into the backup folder (data files, then the manifest that lists them); from there
 * the restore is the same as for a local backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { backupDir, getBackup, type BackupEntry } from '@/lib/backup/catalogue';
import { formatBytes } from '@/lib/backup/failure';
import { TEMP_PREFIX, backupIdSchema, fsyncDir, manifestPath, readManifest } from '@/lib/backup/manifest';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';
import type { Stack } from '@/lib/stacks/types';
import { explainS3, s3For } from './client';
import { recordCopy } from './copies';
import { Tap, decryptStream, decrypterFor } from './crypt';
import { objectKey, type SetIndex } from './layout';
import { readIndex } from './remote';
import { say } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';
import { s3Sdk } from './sdk';

type Ctx = Pick<JobContext, 'emit' | 'signal' | 'id' | 'remember' | 'forget'>;

export function offsiteTarget(stack: Stack, name: string): OffsiteTarget {
  const target = (stack.offsite ?? []).find((t) => t.name === name);
  if (!target) throw new OpsdeckError('not_found', say('errors.offsite.noTarget', { stack: stack.name, name }));
  return target;
}

const damaged = (id: string, file: string, why: string) =>
  new OpsdeckError('conflict', say('errors.offsite.damaged', { id, file, why }));

async function download(s3: S3Client, target: OffsiteTarget, index: SetIndex, f: SetIndex['files'][number], to: string, ctx: Ctx): Promise<void> {
  const { GetObjectCommand } = await s3Sdk();
  const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: objectKey(target, index.stack, index.id, f.name) }));
  const t0 = Date.now();
  // Made once, not per chunk.
  const phase = keyedPhase(say('progress.downloading', { file: f.name, target: target.name }));
  const tap = new Tap((n) => ctx.emit({ type: 'progress', ...phase, bytes: n, totalBytes: f.encryptedSize, rate: Math.round(n / Math.max(0.001, (Date.now() - t0) / 1000)) }));
  await pipeline(got.Body as Readable, tap, fs.createWriteStream(to, { mode: 0o600 }), { signal: ctx.signal });
  if (tap.bytes !== f.encryptedSize) throw damaged(index.id, f.name, `${tap.bytes} bytes, the index says ${f.encryptedSize}`);
  if (tap.digest() !== f.encryptedSha256) throw damaged(index.id, f.name, 'its checksum does not match the index');
}

async function decryptTo(identity: string, from: string, to: string, index: SetIndex, f: SetIndex['files'][number]): Promise<void> {
  const plain = await decryptStream(decrypterFor(identity), fs.createReadStream(from, { highWaterMark: 1024 * 1024 }));
  const tap = new Tap();
  try {
    await pipeline(plain, tap, fs.createWriteStream(to, { mode: 0o600 }));
  } catch (e) {
    // age authenticates every chunk: a flipped byte past the header ends here.
    throw damaged(index.id, f.name, `it does not decrypt (${(e as Error).message})`);
  }
  if (tap.bytes !== f.size || tap.digest() !== f.sha256) throw damaged(index.id, f.name, 'the decrypted file does not match its checksum');
}

/** Downloads, decrypts and checks set `id`; returns it as a local catalogue entry. */
export async function fetchRemoteSet(stack: Stack, targetName: string, id: string, identity: string, ctx: Ctx): Promise<BackupEntry> {
  const parsed = backupIdSchema.safeParse(id);
  if (!parsed.success) throw new OpsdeckError('invalid_input', say('errors.backup.badId'));
  const target = offsiteTarget(stack, targetName);
  decrypterFor(identity); // A malformed key is refused before anything is downloaded.
  const dir = backupDir(stack);
  const s3 = await s3For(stack, target);
  const temps: string[] = [];
  try {
    ctx.emit({ type: 'step', name: 'offsite.index', ...say('steps.offsite.index', { id, target: target.name }) });
    const index = await readIndex(s3, target, stack.name, parsed.data).catch((e) => {
      if ((e as { name?: string }).name === 'NoSuchKey') return null;
      throw explainS3(e, target);
    });
    if (!index) throw new OpsdeckError('not_found', say('errors.offsite.noSet', { target: target.name, id: parsed.data, stack: stack.name }));
    const tempsOf = (f: SetIndex['files'][number]) => {
      const enc = path.join(dir, `${TEMP_PREFIX}offsite-${ctx.id}-${f.name}.age`);
      const out = path.join(dir, `${TEMP_PREFIX}offsite-${ctx.id}-${f.name}`);
      for (const t of [enc, out]) {
        temps.push(t);
        ctx.remember(`temp-file:${t}`, t);
      }
      return { enc, out };
    };
    if (fs.existsSync(manifestPath(dir, index.id))) {
      const local = getBackup(stack, index.id);
      const dump = index.files.find((f) => f.name === local.fileName);
      if (!dump || dump.sha256 !== local.manifest.sha256 || local.problem) {
        throw new OpsdeckError('conflict', say('errors.offsite.nameTaken', { id: index.id }));
      }
      // The local copy is used, but the key is still proved on the set's (small) manifest: a key
      // that does not open the copy must say so here too, or a recovery drill on a host that still
      // has its backups would pass with a wrong key.
      const m = index.files.find((f) => f.name === index.manifest)!;
      const { enc, out } = tempsOf(m);
      ctx.emit({ type: 'step', name: 'offsite.decrypt', ...say('steps.offsite.checkKey', { target: target.name }) });
      await download(s3, target, index, m, enc, ctx).catch((e) => {
        throw explainS3(e, target);
      });
      await decryptTo(identity, enc, out, index, m);
      ctx.emit({ type: 'log', ...say('log.offsite.alreadyHere', { id: index.id }) });
      return local;
    }
    const total = index.files.reduce((a, f) => a + f.encryptedSize, 0);
    ctx.emit({ type: 'step', name: 'offsite.download', ...say('steps.offsite.download', { count: String(index.files.length), size: formatBytes(total) }) });
    // The manifest first: a wrong key is found after a few hundred bytes, not after the whole dump.
    const order = [...index.files].sort((a, b) => (a.name === index.manifest ? -1 : b.name === index.manifest ? 1 : 0));
    const ready: { name: string; tmp: string }[] = [];
    for (const f of order) {
      const { enc, out } = tempsOf(f);
      await download(s3, target, index, f, enc, ctx).catch((e) => {
        throw explainS3(e, target);
      });
      if (f.name === index.manifest) ctx.emit({ type: 'step', name: 'offsite.decrypt', ...say('steps.offsite.decrypt') });
      await decryptTo(identity, enc, out, index, f);
      fs.rmSync(enc, { force: true });
      ready.push({ name: f.name, tmp: out });
    }
    const manifest = readManifest(ready.find((r) => r.name === index.manifest)!.tmp);
    if (!manifest || manifest.id !== index.id || manifest.stack !== stack.name) throw damaged(index.id, index.manifest, 'it is not the manifest of this set');
    const dump = index.files.find((f) => f.name === manifest.file);
    if (!dump || dump.sha256 !== manifest.sha256 || dump.size !== manifest.size) throw damaged(index.id, manifest.file, 'it does not match the manifest');
    ctx.emit({ type: 'log', ...say('log.offsite.checksumsMatch', { count: String(index.files.length), sha: manifest.sha256.slice(0, 16) }) });
    // Data files first, the manifest last: the set is listed only once it is whole.
    for (const r of [...ready.filter((x) => x.name !== index.manifest), ready.find((x) => x.name === index.manifest)!]) {
      fs.renameSync(r.tmp, path.join(dir, r.name));
    }
    fsyncDir(dir);
    recordCopy({ stack: stack.name, target: target.name, backupId: index.id, status: 'verified', bytes: total, objects: index.files.length + 1, jobId: ctx.id });
    ctx.emit({ type: 'log', ...say('log.offsite.fetched', { id: index.id, size: formatBytes(manifest.size) }) });
    return getBackup(stack, index.id);
  } finally {
    s3.destroy();
    for (const t of temps) {
      fs.rmSync(t, { force: true });
      ctx.forget(`temp-file:${t}`);
    }
  }
}
