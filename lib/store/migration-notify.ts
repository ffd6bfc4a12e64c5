import type { Migration } from './migrations';

/**
 * Notifications people use: channel options (signing secrets, Telegram chat, email addresses),
 * open problems (for "recovered" notices with the outage's length, and reminders while still down),
 * each stack's quiet hours and reminder interval, and notices held back during quiet hours.
 */
export const MIGRATION_NOTIFY: Migration = {
  version: 10,
  name: 'notification channels, open problems, quiet hours',
  up: `
    -- The format CHECK gains telegram and email. SQLite cannot change a CHECK in place: the table is
    -- rebuilt, with its deliveries (which reference it) set aside first so no cascade removes them.
    CREATE TABLE notify_deliveries_keep AS SELECT * FROM notify_deliveries;
    DROP TABLE notify_deliveries;
    CREATE TABLE notify_targets_v10 (
      id            INTEGER PRIMARY KEY,
      stack         TEXT NOT NULL,
      name          TEXT NOT NULL,
      format        TEXT NOT NULL CHECK (format IN ('generic', 'slack', 'dingtalk', 'feishu', 'wecom', 'telegram', 'email')),
      url           TEXT NOT NULL,
      events        TEXT NOT NULL,
      enabled       INTEGER NOT NULL DEFAULT 1,
      created_by    TEXT,
      created_at    TEXT NOT NULL,
      allow_private INTEGER NOT NULL DEFAULT 0,
      -- JSON: signing secret, Telegram bot token and chat, email sender and recipients.
      options       TEXT
    );
    INSERT INTO notify_targets_v10 (id, stack, name, format, url, events, enabled, created_by, created_at, allow_private)
      SELECT id, stack, name, format, url, events, enabled, created_by, created_at, allow_private FROM notify_targets;
    DROP TABLE notify_targets;
    ALTER TABLE notify_targets_v10 RENAME TO notify_targets;
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
    INSERT INTO notify_deliveries SELECT * FROM notify_deliveries_keep;
    DROP TABLE notify_deliveries_keep;
    CREATE INDEX notify_deliveries_target ON notify_deliveries (target_id, id);
    -- One row per thing that is down (service, AI provider, backups) until it recovers.
    CREATE TABLE notify_open (
      stack        TEXT NOT NULL,
      key          TEXT NOT NULL,
      event        TEXT NOT NULL,
      title        TEXT NOT NULL,
      severity     TEXT NOT NULL,
      since        TEXT NOT NULL,
      last_sent_at TEXT NOT NULL,
      reminders    INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (stack, key)
    );
    CREATE TABLE notify_policy (
      stack            TEXT PRIMARY KEY,
      quiet_start      TEXT,
      quiet_end        TEXT,
      time_zone        TEXT NOT NULL DEFAULT 'UTC',
      renotify_minutes INTEGER
    );
    -- Notices that fell into quiet hours, sent when they end (in order), never dropped.
    CREATE TABLE notify_held (
      id           INTEGER PRIMARY KEY,
      stack        TEXT NOT NULL,
      notification TEXT NOT NULL,
      held_at      TEXT NOT NULL
    );
    CREATE INDEX notify_held_stack ON notify_held (stack, id);
  `,
};
