import 'server-only';
import { userMessageOf } from '@/lib/errors';
import { latestPreview, pitrSummary, type PitrSummary, type PointPreviewRecord } from '@/lib/pitr';
import type { Stack } from '@/lib/stacks/types';

export interface PitrView {
  summary: PitrSummary | null;
  /** The newest rebuilt moment still in the backup folder (admins restore it). */
  preview: PointPreviewRecord | null;
  error: string | null;
}

/** What the backups and status pages show of archiving; null when the stack does not archive. */
export async function loadPitr(stack: Stack): Promise<PitrView | null> {
  if (!stack.pitr?.enabled) return null;
  try {
    return { summary: await pitrSummary(stack), preview: latestPreview(stack), error: null };
  } catch (e) {
    return { summary: null, preview: null, error: userMessageOf(e) };
  }
}
