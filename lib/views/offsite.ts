import 'server-only';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { copiesOf, describeTarget, explainS3, listRemoteSets, s3For } from '@/lib/offsite';
import type { Stack } from '@/lib/stacks/types';

export interface OffsiteSetView {
  id: string;
  finishedAt: string;
  reason: string;
  files: number;
  encryptedBytes: number;
  /** When this Opsdeck verified its copy there, if it did. */
  verifiedAt: string | null;
}

export interface OffsiteTargetView {
  name: string;
  where: string;
  keep: string;
  sets: OffsiteSetView[];
  /** The bucket could not be listed (the page still shows, with this). */
  error: string | null;
  /** The last copy that failed and was not copied since. */
  lastFailure: { backupId: string; error: string | null; at: string } | null;
}

/** What each target holds, listed from the bucket itself (on a fresh host that is all there is). */
export async function loadOffsite(stack: Stack): Promise<OffsiteTargetView[]> {
  const out: OffsiteTargetView[] = [];
  for (const target of stack.offsite ?? []) {
    const copies = copiesOf(stack.name, target.name);
    const verified = new Map(copies.filter((c) => c.status === 'verified').map((c) => [c.backupId, c.verifiedAt]));
    const failed = copies.filter((c) => c.status === 'failed').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    const view: OffsiteTargetView = {
      name: target.name,
      where: describeTarget(target),
      keep: [target.keep.last ? `newest ${target.keep.last}` : null, target.keep.days ? `${target.keep.days} days` : null].filter(Boolean).join(' or '),
      sets: [],
      error: null,
      lastFailure: failed ? { backupId: failed.backupId, error: failed.error, at: failed.updatedAt } : null,
    };
    let s3;
    try {
      // A page must not hang on a bucket that does not answer: one short try.
      s3 = await s3For(stack, target, { maxAttempts: 1, requestTimeoutMs: 8000 });
      view.sets = (await listRemoteSets(s3, target, stack.name)).map((s) => ({
        id: s.id, finishedAt: s.finishedAt, reason: s.reason, files: s.files.length,
        encryptedBytes: s.files.reduce((a, f) => a + f.encryptedSize, 0), verifiedAt: verified.get(s.id) ?? null,
      }));
    } catch (e) {
      view.error = userMessageOf(isOpsdeckError(e) ? e : explainS3(e, target));
    } finally {
      s3?.destroy();
    }
    out.push(view);
  }
  return out;
}
