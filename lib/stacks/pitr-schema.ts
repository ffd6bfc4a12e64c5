/**
 * `backups.pitr` in opsdeck.yaml: continuous WAL archiving and point-in-time restore (lib/pitr),
 * opt-in per stack. Kept in its own file so the main schema only references it.
 */
import { z } from 'zod';

const positive = (what: string, max: number) =>
  z.number({ error: `must be a number of ${what}` }).positive({ error: `must be more than 0 ${what}` }).max(max, { error: `must be at most ${max} ${what}` });

export const pitrSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }),
  /** How far back a restore point may be: base backups and WAL older than needed for it are removed. */
  keepDays: positive('days', 3650).optional(),
  /** A new base backup this often (a restore replays WAL from the newest base backup before the point). */
  baseBackupHours: positive('hours', 24 * 30).optional(),
  /** WAL the replication slot may hold back on the database's disk before Opsdeck drops the slot. */
  slotLimitMb: positive('MB', 1024 * 1024).optional(),
  /** Archive lag (RPO) above which an alert fires. */
  lagAlertSeconds: positive('seconds', 86_400).optional(),
});

export const PITR_KEYS = Object.keys(pitrSchema.shape);

export interface PitrSettings {
  enabled: boolean;
  keepDays: number;
  baseBackupHours: number;
  slotLimitMb: number;
  lagAlertSeconds: number;
}

export const PITR_DEFAULTS: Omit<PitrSettings, 'enabled'> = { keepDays: 7, baseBackupHours: 24, slotLimitMb: 2048, lagAlertSeconds: 120 };

export function pitrSettings(raw: z.infer<typeof pitrSchema>): PitrSettings {
  return { ...PITR_DEFAULTS, ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)), enabled: raw.enabled };
}
