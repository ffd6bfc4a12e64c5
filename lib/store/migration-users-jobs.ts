import type { Migration } from './migrations';

/** The first schema: users, login failures, the audit log and jobs. */
export const migrationUsersJobs: Migration = {
  version: 1,
  name: 'users, login failures, audit, jobs',
  up: `
      CREATE TABLE users (
        id              INTEGER PRIMARY KEY,
        username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash   TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        session_version INTEGER NOT NULL DEFAULT 1,
        disabled        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        last_login_at   TEXT
      );

      -- Timestamps here are epoch milliseconds (not ISO) because the throttle does arithmetic on them.
      CREATE TABLE login_failures (
        key      TEXT PRIMARY KEY,
        count    INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        last_at  INTEGER NOT NULL
      );

      CREATE TABLE audit (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        actor  TEXT,
        role   TEXT,
        ip     TEXT,
        action TEXT NOT NULL,
        stack  TEXT,
        target TEXT,
        result TEXT NOT NULL CHECK (result IN ('ok', 'error', 'denied')),
        detail TEXT
      );
      CREATE INDEX audit_at ON audit (at);
      CREATE INDEX audit_actor ON audit (actor);
      CREATE INDEX audit_action ON audit (action);
      CREATE INDEX audit_stack ON audit (stack);

      CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        stack       TEXT NOT NULL,
        kind        TEXT NOT NULL,
        status      TEXT NOT NULL,
        started_by  TEXT,
        started_at  TEXT,
        finished_at TEXT,
        summary     TEXT,
        log         TEXT
      );
      CREATE INDEX jobs_stack_started ON jobs (stack, started_at);
    `,
};
