import type { Migration } from './migrations';

/** The job engine (owner and heartbeat, events, recovery notes, the per-stack lock) and backup schedules. */
export const migrationJobEngine: Migration = {
  version: 2,
  name: 'job engine (events, recovery notes, per-stack lock), backup schedules',
  up: `
      -- Who runs a job: pid + per-process instance id + heartbeat, so a restart can tell a job whose
      -- process died (interrupted) from one another live Opsdeck process is still running.
      ALTER TABLE jobs ADD COLUMN title TEXT;
      ALTER TABLE jobs ADD COLUMN target TEXT;
      ALTER TABLE jobs ADD COLUMN owner_host TEXT;
      ALTER TABLE jobs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE jobs ADD COLUMN owner_instance TEXT;
      ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT;
      ALTER TABLE jobs ADD COLUMN progress TEXT;
      ALTER TABLE jobs ADD COLUMN error_detail TEXT;
      -- The per-stack lock is the schema's job: a second running job for a stack cannot be inserted.
      CREATE UNIQUE INDEX jobs_one_running_per_stack ON jobs (stack) WHERE status = 'running';

      CREATE TABLE job_events (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq    INTEGER NOT NULL,
        at     TEXT NOT NULL,
        type   TEXT NOT NULL CHECK (type IN ('log', 'step', 'end')),
        level  TEXT,
        text   TEXT NOT NULL,
        data   TEXT,
        PRIMARY KEY (job_id, seq)
      );

      -- What a job must undo if its process dies mid-way (temp files, half-made databases, a swap).
      CREATE TABLE job_notes (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        key    TEXT NOT NULL,
        value  TEXT NOT NULL,
        PRIMARY KEY (job_id, key)
      );

      CREATE TABLE backup_schedules (
        stack        TEXT PRIMARY KEY,
        cron         TEXT,
        keep_last    INTEGER,
        keep_daily   INTEGER,
        keep_weekly  INTEGER,
        test_restore INTEGER NOT NULL DEFAULT 0,
        updated_by   TEXT,
        updated_at   TEXT NOT NULL,
        last_run_at  TEXT
      );
    `,
};
