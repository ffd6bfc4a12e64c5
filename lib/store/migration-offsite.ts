import type { Migration } from './migrations';

/** Offsite copies: one row per backup set and target, the last thing known about its copy there. */
export const migrationOffsite: Migration = {
  version: 12,
  name: 'offsite copies of backups',
  up: `
    CREATE TABLE offsite_copies (
      stack        TEXT NOT NULL,
      target       TEXT NOT NULL,
      backup_id    TEXT NOT NULL,
      status       TEXT NOT NULL CHECK (status IN ('verified', 'failed', 'deleted')),
      bytes        INTEGER,
      objects      INTEGER,
      error        TEXT,
      job_id       TEXT,
      verified_at  TEXT,
      updated_at   TEXT NOT NULL,
      PRIMARY KEY (stack, target, backup_id)
    );
  `,
};
