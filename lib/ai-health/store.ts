/**
 * AI-health rows in Opsdeck's SQLite store (migration 4): admin-added providers, probe settings,
 * probe results (kept RETENTION_MS) and the latest state per dependency.
 */
import { getDb } from '@/lib/store/db';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { INITIAL_STATE } from './hysteresis';
import { DEFAULT_SETTINGS, type AiRole, type AiStatus, type Dependency, type DependencyState, type FailureKind, type ProbeKind, type ProbeResult, type ProbeSettings, type ProviderKind } from './types';

export const RETENTION_MS = 7 * 24 * 3_600_000;

export interface NewProvider {
  stack: string;
  label: string;
  kind: ProviderKind;
  role: AiRole;
  baseUrl: string;
  apiKey?: string;
  model: string;
  dimension?: number;
  createdBy?: string;
}

interface ProviderRow {
  id: number;
  stack: string;
  label: string;
  kind: ProviderKind;
  role: AiRole;
  base_url: string;
  api_key: string | null;
  model: string;
  dimension: number | null;
}

export function addProvider(p: NewProvider): number {
  const r = getDb()
    .prepare(`INSERT INTO ai_providers (stack, label, kind, role, base_url, api_key, model, dimension, created_by, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(p.stack, p.label, p.kind, p.role, p.baseUrl, p.apiKey || null, p.model, p.dimension ?? null, p.createdBy ?? null, new Date().toISOString());
  return Number(r.lastInsertRowid);
}

/** Removes the provider and everything recorded about it. */
export function removeProvider(stack: string, id: number): { label: string } {
  const db = getDb();
  return db.transaction(() => {
    const row = db.prepare('SELECT label FROM ai_providers WHERE stack = ? AND id = ?').get(stack, id) as { label: string } | undefined;
    if (!row) throw new OpsdeckError('not_found', say('errors.ai.noProvider', { stack, id: String(id) }));
    const dep = `p${id}`;
    db.prepare('DELETE FROM ai_providers WHERE id = ?').run(id);
    for (const table of ['ai_probe_settings', 'ai_probe_results', 'ai_dep_state']) {
      db.prepare(`DELETE FROM ${table} WHERE stack = ? AND dep = ?`).run(stack, dep);
    }
    return { label: row.label };
  })();
}

export function listProviders(stack?: string): Dependency[] {
  const rows = (stack === undefined
    ? getDb().prepare('SELECT * FROM ai_providers ORDER BY id').all()
    : getDb().prepare('SELECT * FROM ai_providers WHERE stack = ? ORDER BY id').all(stack)) as ProviderRow[];
  return rows.map((r) => ({
    stack: r.stack,
    id: `p${r.id}`,
    source: 'admin' as const,
    label: r.label,
    kind: r.kind,
    role: r.role,
    model: r.model,
    baseUrl: r.base_url,
    ...(r.api_key ? { apiKey: r.api_key } : {}),
    ...(r.dimension ? { expectedDimension: r.dimension } : {}),
  }));
}

interface SettingsRow {
  light_interval_s: number;
  deep_interval_s: number;
  latency_threshold_ms: number;
  failures_to_down: number;
  successes_to_up: number;
}

export function getSettings(stack: string, dep: string): ProbeSettings {
  const r = getDb().prepare('SELECT * FROM ai_probe_settings WHERE stack = ? AND dep = ?').get(stack, dep) as SettingsRow | undefined;
  if (!r) return { ...DEFAULT_SETTINGS };
  return {
    lightIntervalSec: r.light_interval_s,
    deepIntervalSec: r.deep_interval_s,
    latencyThresholdMs: r.latency_threshold_ms,
    failuresToDown: r.failures_to_down,
    successesToUp: r.successes_to_up,
  };
}

export function saveSettings(stack: string, dep: string, s: ProbeSettings, by?: string): void {
  getDb()
    .prepare(`INSERT INTO ai_probe_settings (stack, dep, light_interval_s, deep_interval_s, latency_threshold_ms, failures_to_down, successes_to_up, updated_by, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (stack, dep) DO UPDATE SET light_interval_s = excluded.light_interval_s, deep_interval_s = excluded.deep_interval_s,
                latency_threshold_ms = excluded.latency_threshold_ms, failures_to_down = excluded.failures_to_down,
                successes_to_up = excluded.successes_to_up, updated_by = excluded.updated_by, updated_at = excluded.updated_at`)
    .run(stack, dep, s.lightIntervalSec, s.deepIntervalSec, s.latencyThresholdMs, s.failuresToDown, s.successesToUp, by ?? null, new Date().toISOString());
}

export function getState(stack: string, dep: string): DependencyState {
  const r = getDb().prepare('SELECT state FROM ai_dep_state WHERE stack = ? AND dep = ?').get(stack, dep) as { state: string } | undefined;
  return r ? (JSON.parse(r.state) as DependencyState) : { ...INITIAL_STATE };
}

export function saveState(d: Pick<Dependency, 'stack' | 'id' | 'label' | 'role' | 'model'>, s: DependencyState, now = Date.now()): void {
  getDb()
    .prepare(`INSERT INTO ai_dep_state (stack, dep, label, role, model, status, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (stack, dep) DO UPDATE SET label = excluded.label, role = excluded.role, model = excluded.model,
                status = excluded.status, state = excluded.state, updated_at = excluded.updated_at`)
    .run(d.stack, d.id, d.label, d.role, d.model, s.status, JSON.stringify(s), now);
}

export function recordResult(stack: string, dep: string, r: ProbeResult): void {
  getDb()
    .prepare(`INSERT INTO ai_probe_results (stack, dep, probe, at, ok, latency_ms, failure, message, reset_at, dimension)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(stack, dep, r.probe, r.at, r.ok ? 1 : 0, r.latencyMs, r.failure ?? null, r.message, r.resetAt ?? null, r.dimension ?? null);
}

export interface StoredResult {
  probe: ProbeKind;
  at: number;
  ok: boolean;
  latencyMs: number;
  failure?: FailureKind;
  message: string;
}

/** Results of one dependency since `since` (epoch ms), oldest first. */
export function resultsSince(stack: string, dep: string, since: number, probe?: ProbeKind): StoredResult[] {
  const rows = getDb()
    .prepare(`SELECT probe, at, ok, latency_ms, failure, message FROM ai_probe_results
              WHERE stack = ? AND dep = ? AND at >= ? AND (? IS NULL OR probe = ?) ORDER BY at`)
    .all(stack, dep, since, probe ?? null, probe ?? null) as { probe: ProbeKind; at: number; ok: number; latency_ms: number; failure: FailureKind | null; message: string }[];
  return rows.map((r) => ({ probe: r.probe, at: r.at, ok: r.ok === 1, latencyMs: r.latency_ms, ...(r.failure ? { failure: r.failure } : {}), message: r.message }));
}

/** Deletes results older than the retention window; returns how many went. */
export function pruneResults(now = Date.now()): number {
  return getDb().prepare('DELETE FROM ai_probe_results WHERE at < ?').run(now - RETENTION_MS).changes;
}

export interface LatestHealth {
  stack: string;
  dep: string;
  label: string;
  role: AiRole;
  model: string;
  status: AiStatus;
  latencyMs?: number;
  lastSuccessAt?: number;
  lastErrorAt?: number;
  updatedAt: number;
}

/** Latest status and latency of every dependency ever probed: what the metrics export reads. */
export function latestHealth(): LatestHealth[] {
  const rows = getDb().prepare('SELECT * FROM ai_dep_state ORDER BY stack, dep').all() as {
    stack: string; dep: string; label: string; role: AiRole; model: string; status: AiStatus; state: string; updated_at: number;
  }[];
  return rows.map((r) => {
    const s = JSON.parse(r.state) as DependencyState;
    return {
      stack: r.stack, dep: r.dep, label: r.label, role: r.role, model: r.model, status: r.status, updatedAt: r.updated_at,
      ...(s.lastLatencyMs !== undefined ? { latencyMs: s.lastLatencyMs } : {}),
      ...(s.lastSuccessAt ? { lastSuccessAt: s.lastSuccessAt } : {}),
      ...(s.lastErrorAt ? { lastErrorAt: s.lastErrorAt } : {}),
    };
  });
}

/** Forgets state rows of dependencies that no longer exist (an env var removed), so metrics do not report ghosts. */
export function dropStaleStates(stack: string, keep: readonly string[]): void {
  const rows = getDb().prepare('SELECT dep FROM ai_dep_state WHERE stack = ?').all(stack) as { dep: string }[];
  const del = getDb().prepare('DELETE FROM ai_dep_state WHERE stack = ? AND dep = ?');
  for (const r of rows) if (!keep.includes(r.dep)) del.run(stack, r.dep);
}
