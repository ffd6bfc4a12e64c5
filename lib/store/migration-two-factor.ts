import type { Migration } from './migrations';

/** Two-factor sign-in, OIDC identities and API tokens. */
export const migrationTwoFactor: Migration = {
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
};
