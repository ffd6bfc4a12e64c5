/**
 * The volume half of a backup set: each volume the stack declares (`backups.volumes`) streamed from
 * the engine as tar (lib/docker/volume-archive.ts), fingerprinted on the way, gzipped and hashed into
 * a temp file that is fsynced, read back (its fingerprint must match) and renamed. Nothing is held
 * in memory but the streams' buffers.
 * With `consistency: pause` the app service is paused for the copy and the time is recorded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { helperImage, pauseService, readVolumeArchive, stackVolumeName } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { formatBytes } from './failure';
import { HashingFileSink } from './file-sink';
import { TEMP_PREFIX, volumeArchiveFile, type BackupManifest, type VolumeArchive } from './manifest';
import { TarFingerprint } from './tar-fingerprint';
import { say } from '@/lib/i18n/server-text';
import { keyedPhase } from '@/lib/jobs/types';

/** zlib's default level, and `gzip`'s: the benchmark's tar by hand uses the same. */
export const VOLUME_GZIP_LEVEL = 6;

/** Passes data through and shows each chunk to `fp` on the way. */
export function tap(fp: TarFingerprint): Transform {
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb) {
      try {
        fp.feed(chunk);
        cb(null, chunk);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

async function archiveOne(stack: Stack, volume: string, image: string, dir: string, id: string, ctx: JobContext): Promise<VolumeArchive> {
  const real = await stackVolumeName(stack, volume);
  const file = volumeArchiveFile(id, volume);
  const tmp = path.join(dir, `${TEMP_PREFIX}${file}`);
  const t0 = Date.now();
  const phase = keyedPhase(say('progress.archivingVolume', { volume }));
  const sink = new HashingFileSink(tmp, (n) => ctx.emit({ type: 'progress', ...phase, bytes: n, rate: Math.round(n / Math.max(0.001, (Date.now() - t0) / 1000)) }));
  const fp = new TarFingerprint('volume/');
  try {
    await readVolumeArchive(stack, real, image, (tar) => pipeline(tar, tap(fp), createGzip({ level: VOLUME_GZIP_LEVEL }), sink, { signal: ctx.signal }));
    const { files, bytes, fingerprint } = fp.summary();
    const archive: VolumeArchive = { volume, file, compression: 'gzip', sha256: sink.digest(), size: sink.bytes, files, bytes, fingerprint };
    // Verified like a dump: the file on disk is read back, unpacked, and must give the same fingerprint.
    const check = new TarFingerprint('volume/');
    await pipeline(fs.createReadStream(tmp), createGunzip(), check, { signal: ctx.signal });
    if (check.summary().fingerprint !== fingerprint) {
      throw new OpsdeckError('internal', say('errors.backup.volumeReadBack', { volume }));
    }
    fs.renameSync(tmp, path.join(dir, file));
    ctx.emit({ type: 'log', ...say('log.backup.volume', { volume, real, files: String(files), bytes: formatBytes(bytes), file, size: formatBytes(archive.size), seconds: ((Date.now() - t0) / 1000).toFixed(1), sha: archive.sha256.slice(0, 16) }) });
    return archive;
  } finally {
    sink.destroy();
    fs.rmSync(tmp, { force: true });
  }
}

/** Archives the stack's data volumes next to backup `id`; nothing to do for a stack without any. */
export async function archiveVolumes(stack: Stack, dir: string, id: string, ctx: JobContext): Promise<Pick<BackupManifest, 'volumes' | 'consistency'>> {
  const set = stack.backupSet;
  if (!set || set.volumes.length === 0) return {};
  const mode = set.consistency;
  const app = mode === 'pause' ? (stack.app?.service ?? null) : null;
  ctx.emit({ type: 'step', name: 'backup.volumes', ...say('steps.backup.volumes', { volumes: set.volumes.join(', '), how: mode === 'pause' ? say('steps.backup.pausedMeanwhile', { app: app ?? say('steps.backup.noApp') }) : say('steps.backup.readWhileRunning') }) });
  const image = await helperImage(stack);
  const written: string[] = [];
  let pausedAt: Date | null = null;
  try {
    if (app && (await pauseService(stack, app, true)) > 0) pausedAt = new Date();
    const volumes: VolumeArchive[] = [];
    for (const v of set.volumes) {
      const a = await archiveOne(stack, v, image, dir, id, ctx);
      written.push(path.join(dir, a.file));
      volumes.push(a);
    }
    written.length = 0;
    return { volumes, consistency: { mode, pausedAt: pausedAt?.toISOString() ?? null, pausedMs: pausedAt ? Date.now() - pausedAt.getTime() : null } };
  } finally {
    if (pausedAt && app) {
      await pauseService(stack, app, false);
      ctx.emit({ type: 'log', ...say('log.backup.paused', { app, seconds: ((Date.now() - pausedAt.getTime()) / 1000).toFixed(1) }) });
    }
    // A set that failed half-way leaves no archive behind.
    for (const f of written) fs.rmSync(f, { force: true });
  }
}
