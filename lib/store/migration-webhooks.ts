import type { Migration } from './migrations';

/** Notification webhooks and their deliveries. */
export const migrationWebhooks: Migration = {
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
};
