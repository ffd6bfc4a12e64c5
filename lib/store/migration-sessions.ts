import type { Migration } from './migrations';

/** Server-side sessions, and webhooks to private addresses. */
export const migrationSessions: Migration = {
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
};
