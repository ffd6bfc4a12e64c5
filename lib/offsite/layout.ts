/**
 * How a backup set lies in the bucket:
 *   <prefix><stack>/<backup id>/<file>.age     each file of the set, age-encrypted
 *   <prefix><stack>/<backup id>/set.json       written last, plaintext: the index of the set
 * The index names every object with its size and sha256 (of the encrypted bytes, so a damaged
 * object is refused before any decryption; of the plain bytes, checked again after). A set without
 * its index is an upload that never finished and is not listed. The index holds no data of the
 * database: ids, times, sizes and checksums only.
 */
import { z } from 'zod';
import { BACKUP_ID } from '@/lib/backup/manifest';
import type { OffsiteTarget } from '@/lib/stacks/offsite-schema';

export const SET_INDEX = 'set.json';
export const SET_FORMAT = 'opsdeck-offsite-set/1';

const sha = z.string().regex(/^[0-9a-f]{64}$/);
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/).refine((s) => !s.includes('..'));

export const setIndexSchema = z.object({
  format: z.literal(SET_FORMAT),
  stack: z.string(),
  id: z.string().regex(BACKUP_ID),
  finishedAt: z.string(),
  uploadedAt: z.string(),
  reason: z.string(),
  /** The catalogue's manifest file of the set (restored last, so the set is listed only when whole). */
  manifest: fileName,
  files: z.array(z.object({ name: fileName, size: z.number().int().nonnegative(), sha256: sha, encryptedSize: z.number().int().nonnegative(), encryptedSha256: sha })).min(1),
});
export type SetIndex = z.infer<typeof setIndexSchema>;

export const stackPrefix = (target: OffsiteTarget, stack: string) => `${target.prefix}${stack}/`;
export const setPrefix = (target: OffsiteTarget, stack: string, id: string) => `${stackPrefix(target, stack)}${id}/`;
export const objectKey = (target: OffsiteTarget, stack: string, id: string, file: string) => `${setPrefix(target, stack, id)}${file}.age`;
export const indexKey = (target: OffsiteTarget, stack: string, id: string) => `${setPrefix(target, stack, id)}${SET_INDEX}`;
