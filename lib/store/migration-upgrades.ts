import type { Migration } from './migrations';

/** Upgrade history: one row per upgrade or rollback of a stack's app. */
export const migrationUpgrades: Migration = {
  version: 5,
  name: 'upgrade history',
  up: `
      -- One row per upgrade or rollback of a stack's app: what ran before and after (image ids, so
      -- a rollback can pin exactly what ran even if a tag moved), the pre-upgrade backup, the result.
      CREATE TABLE upgrades (
        job_id          TEXT PRIMARY KEY,
        stack           TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('upgrade', 'rollback')),
        service         TEXT NOT NULL,
        from_ref        TEXT NOT NULL,
        from_image_id   TEXT NOT NULL,
        from_version    TEXT,
        to_ref          TEXT NOT NULL,
        to_image_id     TEXT,
        to_version      TEXT,
        schema_before   TEXT,
        schema_after    TEXT,
        backup_id       TEXT,
        migrations      TEXT,
        result          TEXT NOT NULL CHECK (result IN ('running', 'succeeded', 'rolled-back', 'failed')),
        detail          TEXT,
        started_by      TEXT,
        started_at      TEXT NOT NULL,
        finished_at     TEXT
      );
      CREATE INDEX upgrades_stack_started ON upgrades (stack, started_at);
    `,
};
