/** Reading a target: the sets it holds (by their indexes), and removing one set. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';
import { s3Sdk } from './sdk';
import { SET_INDEX, indexKey, setIndexSchema, setPrefix, stackPrefix, type SetIndex } from './layout';

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const { ListObjectsV2Command } = await s3Sdk();
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function readIndex(s3: S3Client, target: OffsiteTarget, stack: string, id: string): Promise<SetIndex | null> {
  const { GetObjectCommand } = await s3Sdk();
  const got = await s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: indexKey(target, stack, id) }));
  let raw: unknown;
  try {
    raw = JSON.parse((await got.Body?.transformToString('utf8')) ?? '');
  } catch {
    return null;
  }
  const parsed = setIndexSchema.safeParse(raw);
  // An index that names another set (copied by hand) is not trusted.
  return parsed.success && parsed.data.id === id && parsed.data.stack === stack ? parsed.data : null;
}

/** The complete sets of `stack` on the target, newest first. Sets without a readable index are skipped. */
export async function listRemoteSets(s3: S3Client, target: OffsiteTarget, stack: string): Promise<SetIndex[]> {
  const base = stackPrefix(target, stack);
  const ids = (await listKeys(s3, target.bucket, base))
    .filter((k) => k.endsWith(`/${SET_INDEX}`))
    .map((k) => k.slice(base.length, -SET_INDEX.length - 1))
    .filter((id) => id && !id.includes('/'));
  const sets: SetIndex[] = [];
  for (const id of ids) {
    const index = await readIndex(s3, target, stack, id).catch(() => null);
    if (index) sets.push(index);
  }
  return sets.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt) || b.id.localeCompare(a.id));
}

/** Deletes a set: its index first, so a half-deleted set is no longer listed. */
export async function deleteRemoteSet(s3: S3Client, target: OffsiteTarget, stack: string, id: string): Promise<number> {
  const { DeleteObjectCommand } = await s3Sdk();
  await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: indexKey(target, stack, id) }));
  const keys = await listKeys(s3, target.bucket, setPrefix(target, stack, id));
  for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key }));
  return keys.length + 1;
}

/** Which sets the target's keep rules remove: kept when among the newest `last`, or younger than `days`. */
export function planRemoteRetention<T extends { id: string; finishedAt: string }>(sets: readonly T[], keep: OffsiteTarget['keep'], now: Date = new Date()): T[] {
  const sorted = [...sets].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt) || b.id.localeCompare(a.id));
  const cutoff = keep.days ? now.getTime() - keep.days * 86_400_000 : null;
  return sorted.filter((s, i) => {
    const byCount = keep.last !== undefined && i < keep.last;
    const byAge = cutoff !== null && Date.parse(s.finishedAt) >= cutoff;
    return !byCount && !byAge;
  });
}
