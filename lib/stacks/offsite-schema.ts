import { z } from 'zod';

/**
 * opsdeck.yaml `offsite:` — the S3-compatible buckets a stack's backups are copied to, encrypted
 * for the listed age recipients. Kept in its own file so the stack schema only references it.
 * Credentials are never in this file: it names the env-file variables that hold them (each may be
 * given as `<VAR>_FILE`, a path to a secret file, like the stack's other secrets).
 */

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name like OFFSITE_SECRET_ACCESS_KEY' });
const endpoint = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, { error: 'must be a full http:// or https:// URL' });
const count = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(100_000);

export const offsiteKeepSchema = z.strictObject({
  /** The newest N copies are kept. */
  last: count.optional(),
  /** Copies younger than N days are kept. */
  days: count.optional(),
});

export const offsiteTargetSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'must be 1-40 characters: lowercase letters, digits and "-"' }),
  /** Absent: AWS S3 for `region`. MinIO, R2, OSS, COS: their endpoint URL. */
  endpoint: endpoint.optional(),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/, { error: 'must be a bucket name (3-63 lowercase letters, digits, "." and "-")' }),
  prefix: z.string().regex(/^[A-Za-z0-9._\-/]{0,200}$/, { error: 'may contain letters, digits, ".", "_", "-" and "/"' }).refine((p) => !p.split('/').includes('..'), { error: 'must not contain ".."' }).optional(),
  region: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: 'must be a region name like us-east-1' }).optional(),
  /** Path-style URLs (`endpoint/bucket/key`): MinIO and most self-hosted servers need it. */
  forcePathStyle: z.boolean({ error: 'must be true or false' }).optional(),
  accessKeyVar: envVarName.optional(),
  secretKeyVar: envVarName.optional(),
  recipients: z.array(z.string().trim().regex(/^age1[0-9a-z]{20,}$/, { error: 'must be an age public key (age1…)' }), { error: 'must be a list of age public keys' })
    .min(1, { error: 'must list at least one age public key: copies are never sent unencrypted' }),
  keep: offsiteKeepSchema.optional(),
});

export const offsiteSchema = z.array(offsiteTargetSchema, { error: 'must be a list of targets' })
  .refine((list) => new Set(list.map((t) => t.name)).size === list.length, { error: 'target names must be unique' });

export type RawOffsiteTarget = z.infer<typeof offsiteTargetSchema>;

/** One resolved target (defaults applied); credentials are read from the env file when used. */
export interface OffsiteTarget {
  name: string;
  endpoint?: string;
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyVar: string;
  secretKeyVar: string;
  recipients: string[];
  keep: { last?: number; days?: number };
}

export const OFFSITE_KNOWN_KEYS: [string, string[]][] = [
  ['offsite', Object.keys(offsiteTargetSchema.shape)],
  ['keep', Object.keys(offsiteKeepSchema.shape)],
];

export function offsiteTargets(raw: readonly RawOffsiteTarget[] | undefined): OffsiteTarget[] {
  return (raw ?? []).map((t) => {
    const prefix = (t.prefix ?? '').replace(/^\/+/, '');
    return {
      name: t.name,
      ...(t.endpoint ? { endpoint: t.endpoint } : {}),
      bucket: t.bucket,
      prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
      region: t.region ?? 'us-east-1',
      forcePathStyle: t.forcePathStyle ?? Boolean(t.endpoint),
      accessKeyVar: t.accessKeyVar ?? 'OFFSITE_ACCESS_KEY_ID',
      secretKeyVar: t.secretKeyVar ?? 'OFFSITE_SECRET_ACCESS_KEY',
      recipients: t.recipients,
      // Without rules a bucket would only grow: the newest 14 copies by default.
      keep: t.keep && (t.keep.last || t.keep.days) ? t.keep : { last: 14 },
    };
  });
}
