import type { Migration } from './migrations';

/** AI-provider health: admin-added providers, probe settings, probe results, status. */
export const migrationAiHealth: Migration = {
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
};
