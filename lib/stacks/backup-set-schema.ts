/**
 * opsdeck.yaml `backups.volumes` and `backups.consistency`: which named volumes of the stack hold
 * data worth a backup (archived beside the database dump as one backup set), and whether the app is
 * paused while they are read. Kept apart from config-schema.ts so the backup-set keys merge alone.
 */
import { z } from 'zod';

/** Compose's volume-name rule (the key under `volumes:` in the compose file). */
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const BACKUP_CONSISTENCIES = ['live', 'pause'] as const;
export type BackupConsistency = (typeof BACKUP_CONSISTENCIES)[number];

export const backupSetShape = {
  volumes: z
    .array(z.string().regex(VOLUME_NAME, { error: 'must be a volume name from the compose file (letters, digits, "_", ".", "-")' }))
    .refine((v) => new Set(v).size === v.length, { error: 'lists a volume twice' })
    .optional(),
  // live: read while the app runs (no downtime; files written meanwhile may be caught half-way).
  // pause: the app service is paused for the copy (consistent files; the app does not answer meanwhile).
  consistency: z.enum(BACKUP_CONSISTENCIES, { error: 'must be "live" or "pause"' }).optional(),
};

export const BACKUP_SET_KEYS = Object.keys(backupSetShape);

/** What a stack backs up besides its database. */
export interface BackupSetSettings {
  /** Compose volume names (without the project prefix). */
  volumes: string[];
  consistency: BackupConsistency;
}

/** The memos preset keeps attachments and local state in `memos_data`. */
export function backupSetOf(raw: { volumes?: string[]; consistency?: BackupConsistency } | undefined, preset: string | undefined): BackupSetSettings {
  return { volumes: raw?.volumes ?? (preset === 'memos' ? ['memos_data'] : []), consistency: raw?.consistency ?? 'live' };
}
