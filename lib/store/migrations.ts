/**
 * Versioned schema migrations for Opsdeck's own SQLite store.
 *
 * Rules for adding one: append a new entry with the next version number, never edit or reorder an
 * entry that has shipped (installed databases already recorded it), and keep each `up` self-contained
 * SQL. Each migration runs in its own transaction (migrate.ts), so a failing one leaves the previous
 * version intact.
 */
import { MIGRATION_NOTIFY } from './migration-notify';
import { migrationOffsite } from './migration-offsite';
import { migrationJobSaid } from './migration-job-said';
import { migrationUpgradeTasks } from './migration-upgrade-tasks';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
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
  },
  {
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
  },
  {
    version: 3,
    name: 'container events of the stacks (status timeline)',
    up: `
      -- Docker Engine events of stack containers, recorded as they happen so the timeline shows what
      -- happened before anyone opened the page. Pruned after 7 days. time_nano is the engine's own
      -- timestamp (ns): with the container and action it identifies an event, so replaying the
      -- engine's buffer after a reconnect inserts nothing twice.
      CREATE TABLE events (
        id             INTEGER PRIMARY KEY,
        at             TEXT NOT NULL,
        time_nano      INTEGER NOT NULL,
        stack          TEXT NOT NULL,
        service        TEXT,
        container_id   TEXT NOT NULL,
        container_name TEXT,
        action         TEXT NOT NULL,
        exit_code      INTEGER,
        health         TEXT
      );
      CREATE UNIQUE INDEX events_identity ON events (container_id, time_nano, action);
      CREATE INDEX events_stack_at ON events (stack, at);
      CREATE INDEX events_at ON events (at);
    `,
  },
  {
    version: 4,
    name: 'AI-provider health: admin-added providers, probe settings, probe results, status',
    up: `
      -- Providers an admin adds in the UI. api_key is a secret: it leaves the server only masked.
      CREATE TABLE ai_providers (
        id         INTEGER PRIMARY KEY,
        stack      TEXT NOT NULL,
        label      TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('openai', 'ollama')),
        role       TEXT NOT NULL CHECK (role IN ('chat', 'embedding', 'rerank', 'intent')),
        base_url   TEXT NOT NULL,
        api_key    TEXT,
        model      TEXT NOT NULL,
        dimension  INTEGER,
        created_by TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX ai_providers_stack ON ai_providers (stack);

      -- Per-dependency probe settings (env-file and admin-added alike); defaults apply without a row.
      CREATE TABLE ai_probe_settings (
        stack                TEXT NOT NULL,
        dep                  TEXT NOT NULL,
        light_interval_s     INTEGER NOT NULL,
        deep_interval_s      INTEGER NOT NULL,
        latency_threshold_ms INTEGER NOT NULL,
        failures_to_down     INTEGER NOT NULL,
        successes_to_up      INTEGER NOT NULL,
        updated_by           TEXT,
        updated_at           TEXT NOT NULL,
        PRIMARY KEY (stack, dep)
      );

      -- One row per probe, kept 7 days. Times are epoch ms: the charts and percentiles do arithmetic on them.
      CREATE TABLE ai_probe_results (
        id         INTEGER PRIMARY KEY,
        stack      TEXT NOT NULL,
        dep        TEXT NOT NULL,
        probe      TEXT NOT NULL CHECK (probe IN ('light', 'deep')),
        at         INTEGER NOT NULL,
        ok         INTEGER NOT NULL,
        latency_ms INTEGER NOT NULL,
        failure    TEXT,
        message    TEXT NOT NULL,
        reset_at   INTEGER,
        dimension  INTEGER
      );
      CREATE INDEX ai_probe_results_dep_at ON ai_probe_results (stack, dep, at);
      CREATE INDEX ai_probe_results_at ON ai_probe_results (at);

      -- Latest status per dependency (hysteresis counters included), with what the metrics export names.
      CREATE TABLE ai_dep_state (
        stack      TEXT NOT NULL,
        dep        TEXT NOT NULL,
        label      TEXT NOT NULL,
        role       TEXT NOT NULL,
        model      TEXT NOT NULL,
        status     TEXT NOT NULL,
        state      TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (stack, dep)
      );
    `,
  },
  {
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
  },
  {
    version: 6,
    name: 'notification webhooks and their deliveries',
    up: `
      -- Webhook URLs often embed the token (Slack, DingTalk, Feishu, WeCom): treated as secrets.
      CREATE TABLE notify_targets (
        id         INTEGER PRIMARY KEY,
        stack      TEXT NOT NULL,
        name       TEXT NOT NULL,
        format     TEXT NOT NULL CHECK (format IN ('generic', 'slack', 'dingtalk', 'feishu', 'wecom')),
        url        TEXT NOT NULL,
        events     TEXT NOT NULL,
        enabled    INTEGER NOT NULL DEFAULT 1,
        created_by TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX notify_targets_stack ON notify_targets (stack);
      CREATE TABLE notify_deliveries (
        id         INTEGER PRIMARY KEY,
        target_id  INTEGER NOT NULL REFERENCES notify_targets(id) ON DELETE CASCADE,
        event      TEXT NOT NULL,
        title      TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX notify_deliveries_target ON notify_deliveries (target_id, id);
    `,
  },
  {
    version: 7,
    name: 'two-factor sign-in, OIDC identities and API tokens',
    up: `
      -- The TOTP secret is set only once enrolment was confirmed with a code; totp_last_step is the
      -- last time step accepted, so a code cannot be used twice.
      ALTER TABLE users ADD COLUMN totp_secret TEXT;
      ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
      -- An enrolment started but not yet confirmed: replaced by a new start, removed on confirm.
      CREATE TABLE totp_pending (
        user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret     TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      -- Single-use recovery codes, stored as SHA-256 of the code (each has 60 random bits).
      CREATE TABLE recovery_codes (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash  TEXT NOT NULL,
        used_at    TEXT
      );
      CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
      -- Which OIDC account (issuer + subject) is which Opsdeck user: never matched by username.
      CREATE TABLE user_identities (
        issuer     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (issuer, subject)
      );
      -- API tokens: only the SHA-256 of the token is kept. stacks is a JSON array, NULL for all.
      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        role         TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        stacks       TEXT,
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        revoked_at   TEXT,
        last_used_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens (user_id);
    `,
  },
  {
    // 7 is taken by two-factor sign-in and API tokens (developed alongside); versions need only increase.
    version: 8,
    name: 'server-side sessions, trusted devices, webhook private targets',
    up: `
      -- One row per signed-in browser: the JWT names its row, so signing out (or out everywhere)
      -- ends it on the server, not only in the browser that holds the cookie.
      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at   TEXT NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      -- Webhooks to private addresses (RFC 1918, loopback, link-local, ULA) only when an admin says so.
      ALTER TABLE notify_targets ADD COLUMN allow_private INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 9,
    name: 'registry digest of the image an upgrade went to',
    up: `
      -- The image id says what ran; the digest says where it came from (repo@sha256:…), so the
      -- history can be checked against the registry after the tag has moved.
      ALTER TABLE upgrades ADD COLUMN to_digest TEXT;
    `,
  },
  MIGRATION_NOTIFY,
  migrationOffsite,
  migrationUpgradeTasks,
  migrationJobSaid,
];
