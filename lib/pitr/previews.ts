/**
 * A rebuilt moment waiting for the admin's decision. The preview job rebuilds the moment once,
 * dumps it into an ordinary backup entry and records here what that state holds (row counts,
 * newest rows); "Restore this moment" then restores exactly that dump the usual safe way, so the
 * moment is rebuilt once, and what is restored is what the admin saw.
 *
 *   <backupDir>/pitr/previews/<job id>.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@/lib/backup/manifest';
import { getBackup } from '@/lib/backup/catalogue';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import type { Stack } from '@/lib/stacks/types';
import { pitrDir } from './layout';
import type { PointPreview } from './rebuild';

export interface PointPreviewRecord {
  /** The preview job's id (also the file's name). */
  jobId: string;
  target: string;
  backupId: string;
  preview: PointPreview;
  by: string;
  madeAt: string;
  /** Set when a restore of this preview was started. */
  restoreJob: string | null;
}

const JOB_ID = /^\d{1,12}$/;
export const previewJobSchema = z.string().trim().regex(JOB_ID, 'Not a preview.');

const previewsDir = (stack: Stack) => path.join(pitrDir(stack), 'previews');
const fileOf = (stack: Stack, jobId: string) => {
  if (!JOB_ID.test(jobId)) throw new OpsdeckError('invalid_input', say('errors.pitr.notAPreview'));
  return path.join(previewsDir(stack), `${jobId}.json`);
};

export function savePreview(stack: Stack, record: PointPreviewRecord): void {
  fs.mkdirSync(previewsDir(stack), { recursive: true });
  writeFileAtomic(fileOf(stack, record.jobId), JSON.stringify(record, null, 1));
}

export function readPreview(stack: Stack, jobId: string): PointPreviewRecord | null {
  try {
    return JSON.parse(fs.readFileSync(fileOf(stack, jobId), 'utf8')) as PointPreviewRecord;
  } catch {
    return null;
  }
}

/** The newest preview whose dump is still in the backup folder, or null. */
export function latestPreview(stack: Stack): PointPreviewRecord | null {
  let names: string[];
  try {
    names = fs.readdirSync(previewsDir(stack)).filter((n) => /^\d{1,12}\.json$/.test(n));
  } catch {
    return null;
  }
  const records = names.map((n) => readPreview(stack, n.slice(0, -5))).filter((r): r is PointPreviewRecord => r !== null);
  records.sort((a, b) => b.madeAt.localeCompare(a.madeAt));
  return records.find((r) => backupStillThere(stack, r.backupId)) ?? null;
}

function backupStillThere(stack: Stack, id: string): boolean {
  try {
    getBackup(stack, id);
    return true;
  } catch {
    return false;
  }
}

export function markPreviewRestored(stack: Stack, jobId: string, restoreJob: string): void {
  const r = readPreview(stack, jobId);
  if (r) savePreview(stack, { ...r, restoreJob });
}
