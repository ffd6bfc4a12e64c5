/**
 * Restoring a set's volumes by the database's rules: each archive is unpacked into a new volume
 * next to the live one and checked against the manifest (file count and fingerprint, read back from
 * the engine) while the app runs; only then, app stopped, the data are swapped. Docker cannot rename
 * a volume and the compose file names the live one, so the swap copies inside one helper: live →
 * `<volume>__kept_<stamp>_<job>` (the undo path), then restored → live. Swapping back copies the
 * kept data into the live volume again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  createVolume, helperImage, readVolumeArchive, removeVolume, runWithVolumes, stackVolumeName, startService, stopService, writeVolumeArchive,
} from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs';
import type { Stack } from '@/lib/stacks/types';
import { waitAppHealthy } from './app-health';
import type { BackupEntry } from './catalogue';
import { formatBytes } from './failure';
import { sha256File } from './file-sink';
import { volumeArchiveFile, type VolumeArchive } from './manifest';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './swap';
import { TarFingerprint } from './tar-fingerprint';
import { tap } from './volume-backup';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export const RESTORE_PARTS = ['database', 'volumes', 'both'] as const;
export type RestorePart = (typeof RESTORE_PARTS)[number];

export interface PreparedVolume {
  archive: VolumeArchive;
  live: string;
  restored: string;
  kept: string;
  image: string;
}

// Fixed scripts (no value is interpolated): the volumes are mounted at these paths.
const SWAP_IN = 'cp -a /live/. /kept/ && find /live -mindepth 1 -delete && cp -a /restored/. /live/';
const SWAP_BACK = 'find /live -mindepth 1 -delete && cp -a /kept/. /live/';

function stamp(at = new Date()): string {
  return at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
}

/** sha256 of every volume archive against the manifest, before anything is created. */
export async function verifyVolumeChecksums(entry: BackupEntry, ctx: JobContext): Promise<void> {
  const dir = path.dirname(entry.dumpPath);
  for (const v of entry.manifest.volumes ?? []) {
    const actual = await sha256File(path.join(dir, volumeArchiveFile(entry.id, v.volume)), undefined, ctx.signal);
    if (actual !== v.sha256) {
      throw new OpsdeckError('conflict', say('errors.backup.volumeDamaged', { volume: v.volume, id: entry.id }), {
        detail: `expected sha256 ${v.sha256}, file has ${actual}`,
      });
    }
  }
}

/** What a volume holds, read through the engine: the same summary the backup wrote in its manifest. */
export async function volumeSummary(stack: Stack, volume: string, image: string) {
  const fp = new TarFingerprint('volume/');
  await readVolumeArchive(stack, volume, image, (tar) => pipeline(tar, fp));
  return fp.summary();
}

/** Unpacks each archive into a new volume and checks it. Returns what the swap needs. */
export async function loadVolumes(stack: Stack, entry: BackupEntry, ctx: JobContext, made: string[]): Promise<PreparedVolume[]> {
  const dir = path.dirname(entry.dumpPath);
  const image = await helperImage(stack);
  const out: PreparedVolume[] = [];
  for (const archive of entry.manifest.volumes ?? []) {
    const live = await stackVolumeName(stack, archive.volume);
    const restored = `${live}__restore_${ctx.id}`;
    ctx.emit({ type: 'step', name: 'restore.volume', ...say('steps.restore.volume', { volume: archive.volume, restored, size: formatBytes(archive.size) }) });
    made.push(restored);
    // Noted before it exists: if Opsdeck dies now, recovery.ts removes it.
    ctx.remember('restore-volumes', { stack: stack.name, volumes: made });
    await createVolume(stack, restored);
    const t = tap(new TarFingerprint('volume/'));
    await Promise.all([
      pipeline(fs.createReadStream(path.join(dir, volumeArchiveFile(entry.id, archive.volume))), createGunzip(), t, { signal: ctx.signal }),
      writeVolumeArchive(stack, restored, image, t),
    ]);
    const got = await volumeSummary(stack, restored, image);
    if (got.files !== archive.files || got.fingerprint !== archive.fingerprint) {
      throw new OpsdeckError('conflict', say('errors.backup.volumeMismatch', { volume: archive.volume, got: String(got.files), want: String(archive.files) }), {
        detail: `fingerprint expected ${archive.fingerprint}, got ${got.fingerprint}`,
      });
    }
    ctx.emit({ type: 'log', ...say('log.restore.volumeChecked', { volume: restored, files: String(got.files), size: formatBytes(got.bytes) }) });
    out.push({ archive, live, restored, kept: `${live}__kept_${stamp()}_${ctx.id}`, image });
  }
  return out;
}

async function copy(stack: Stack, p: PreparedVolume, script: string, mounts: Record<string, string>): Promise<void> {
  const r = await runWithVolumes(stack, p.image, mounts, ['sh', '-c', script]);
  if (r.exitCode !== 0) {
    throw new OpsdeckError('internal', say('errors.backup.volumeCopyFailed', { volume: p.archive.volume, code: String(r.exitCode) }), { detail: r.output });
  }
}

/** With the app stopped: live data → kept volume, restored data → live volume. */
export async function swapVolumesIn(stack: Stack, prepared: PreparedVolume[], ctx: JobContext, done: PreparedVolume[]): Promise<void> {
  for (const p of prepared) {
    ctx.emit({ type: 'step', name: 'swap.volume', ...say('steps.swap.volume', { volume: p.archive.volume, kept: p.kept, live: p.live }) });
    await createVolume(stack, p.kept, { 'io.opsdeck.kept-of': p.live });
    done.push(p);
    await copy(stack, p, SWAP_IN, { [p.live]: '/live', [p.kept]: '/kept', [p.restored]: '/restored' });
  }
}

/** Puts the kept data back into each live volume that was swapped; the kept volume goes after. */
export async function swapVolumesBack(stack: Stack, done: PreparedVolume[], ctx: JobContext): Promise<void> {
  for (const p of done) {
    ctx.emit({ type: 'step', name: 'swap.volume-back', ...say('steps.swap.volumeBack', { volume: p.archive.volume, kept: p.kept, live: p.live }) });
    await copy(stack, p, SWAP_BACK, { [p.live]: '/live', [p.kept]: '/kept' });
    await removeVolume(p.kept, stack);
    ctx.emit({ type: 'log', ...say('log.restore.volumeBack', { volume: p.live }) });
  }
}

/** Removes the volumes a restore made to load into (never a live or kept one). */
export async function dropRestoredVolumes(stack: Stack, names: string[], ctx: JobContext): Promise<void> {
  for (const n of names) {
    await removeVolume(n, stack).then(
      () => ctx.emit({ type: 'log', ...say('log.restore.volumeRemoved', { volume: n }) }),
      (e) => ctx.emit({ type: 'log', level: 'warn', ...say('log.restore.volumeNotRemoved', { volume: n, error: (e as Error).message }) }),
    );
  }
  ctx.forget('restore-volumes');
}

/** Recovery after a crash: the volumes a restore was loading into (only `…__restore_…` names). */
export async function removeRestoreVolumes(note: { volumes?: string[] }, log: (text: Said) => void): Promise<void> {
  for (const n of note.volumes ?? []) {
    if (!n.includes('__restore_')) continue;
    await removeVolume(n);
    log(say('log.recovery.volumeRemoved', { volume: n }));
  }
}

/** Volumes only: stop the app, swap, start, health gate; swapped back when the app does not come back. */
export async function swapInVolumesOnly(stack: Stack, prepared: PreparedVolume[], ctx: JobContext, opts: { healthTimeoutMs?: number }): Promise<void> {
  const app = stack.app?.service ?? null;
  const timeoutMs = opts.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const done: PreparedVolume[] = [];
  try {
    if (app) {
      ctx.emit({ type: 'step', name: 'swap.stop-app', ...say('steps.swap.stopApp', { app }) });
      await stopService(stack, app);
    }
    await swapVolumesIn(stack, prepared, ctx, done);
    if (app) {
      ctx.emit({ type: 'step', name: 'swap.start-app', ...say('steps.swap.startApp', { app }) });
      await startService(stack, app);
      ctx.emit({ type: 'step', name: 'swap.health', ...say('steps.swap.health', { seconds: String(Math.round(timeoutMs / 1000)) }) });
      const health = await waitAppHealthy(stack, { timeoutMs, signal: ctx.signal });
      if (!health.ok) {
        throw new OpsdeckError('conflict', say('errors.backup.volumesUnhealthy', { seconds: String(Math.round(timeoutMs / 1000)), lastSeen: health.lastSeen }));
      }
      ctx.emit({ type: 'log', ...say('log.swap.healthy', { lastSeen: health.lastSeen }) });
    }
  } catch (e) {
    try {
      if (app) await stopService(stack, app);
      await swapVolumesBack(stack, done, ctx);
    } catch (err) {
      ctx.emit({ type: 'log', level: 'error', ...say('log.restore.volumesBackFailed', { error: (err as Error).message }) });
    }
    if (app) {
      await startService(stack, app).catch(() => undefined);
      // The same patience as the restore was given.
      const health = await waitAppHealthy(stack, { timeoutMs });
      ctx.emit({ type: 'log', level: health.ok ? 'info' : 'error', ...(health.ok ? say('log.swap.healthyAgain', { lastSeen: health.lastSeen }) : say('log.swap.notHealthyYet', { lastSeen: health.lastSeen })) });
    }
    throw e;
  }
}
