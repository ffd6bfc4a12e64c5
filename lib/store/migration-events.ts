import type { Migration } from './migrations';

/** Container events of the stacks, for the status timeline. */
export const migrationEvents: Migration = {
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
};
