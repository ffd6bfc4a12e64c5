/**
 * Runs one probe of one dependency and records it: result row, new status (hysteresis), next
 * check time. Two guarantees: the same probe of the same dependency never runs twice at once (a
 * second caller joins the run in progress), and deep probes, which cost money, are rate-limited.
 */
import { OpsdeckError } from '@/lib/errors';
import { observeAiProbe } from '@/lib/metrics/events';
import { notify } from '@/lib/notify';
import type { Stack } from '@/lib/stacks';
import { fingerprintOf } from './dependencies';
import { INITIAL_STATE, nextState } from './hysteresis';
import { runProbe } from './probes';
import { getSettings, getState, recordResult, saveState } from './store';
import { columnDimension, readVectorColumns } from './vector-columns';
import type { Dependency, DependencyState, ProbeKind, ProbeResult } from './types';
import { say } from '@/lib/i18n/server-text';

/** Minimum gap between two deep probes of one dependency, whoever asks. */
export const DEEP_MIN_GAP_MS = 30_000;

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The stack, to compare a measured embedding dimension with its database. */
  stack?: Stack;
}

const holder = globalThis as typeof globalThis & { __opsdeckAiRuns?: Map<string, Promise<ProbeResult>> };
const runs = (holder.__opsdeckAiRuns ??= new Map());

const runKey = (d: Dependency, probe: ProbeKind) => JSON.stringify([d.stack, d.id, probe]);

export function isRunning(d: Pick<Dependency, 'stack' | 'id'>, probe: ProbeKind): boolean {
  return runs.has(JSON.stringify([d.stack, d.id, probe]));
}

/** The dependency's state, reset when what identifies it (URL, model, key) changed since. */
export function currentState(d: Dependency): DependencyState {
  const fingerprint = fingerprintOf(d);
  const s = getState(d.stack, d.id);
  return s.fingerprint === fingerprint ? s : { ...INITIAL_STATE, reason: s.fingerprint ? 'configuration changed; checking again' : INITIAL_STATE.reason, fingerprint };
}

async function execute(d: Dependency, probe: ProbeKind, opts: RunOptions): Promise<ProbeResult> {
  let r: ProbeResult;
  if (d.configProblem) {
    // Found without a call: record it like a failure so the status and history say so.
    r = { ok: false, probe, at: Date.now(), latencyMs: 0, failure: 'config', message: `configuration: ${d.configProblem}` };
  } else {
    r = await runProbe(d, probe, opts);
  }
  if (r.ok && r.dimension !== undefined && opts.stack) {
    const col = columnDimension(await readVectorColumns(opts.stack));
    if (col?.dimension !== undefined && col.dimension !== r.dimension) {
      r = { ...r, ok: false, failure: 'mismatch', message: `embedding has ${r.dimension} dimensions but ${col.table}.${col.column} is ${col.type}` };
    }
  }

  // A probe cancelled because Opsdeck is stopping says nothing about the provider.
  if (opts.signal?.aborted) return r;

  // Read-modify-write with no await in between: the light and deep runs of one dependency may finish together.
  const settings = getSettings(d.stack, d.id);
  const prev = currentState(d);
  recordResult(d.stack, d.id, r);
  observeAiProbe(d.stack, d.id, probe, r.latencyMs, r.ok ? undefined : r.failure);
  if (r.failure === 'unsupported') {
    saveState(d, { ...prev, lastDeepAt: r.at, lastDeepOk: false, lastDeepMessage: r.message });
    return r;
  }
  const next = nextState(prev, r, settings);
  const done = Date.now();
  // From the probe's start, so the interval is the period between checks however long one takes.
  if (probe === 'light') next.nextLightAt = Math.max(r.at + settings.lightIntervalSec * 1000, done);
  next.nextDeepAt = settings.deepIntervalSec > 0 && next.lastDeepAt !== undefined ? next.lastDeepAt + settings.deepIntervalSec * 1000 : undefined;
  saveState(d, next, done);
  if (next.status === 'down' && prev.status !== 'down') {
    notify(d.stack, 'ai.down', { severity: 'warning', title: say('notify.aiDown', { label: d.label, role: d.role }), text: `${d.model}: ${r.message}` });
  }
  return r;
}

/** Runs (or joins) the probe. Never throws for a provider failure: that is the result. */
export function probeDependency(d: Dependency, probe: ProbeKind, opts: RunOptions = {}): Promise<ProbeResult> {
  const key = runKey(d, probe);
  const running = runs.get(key);
  if (running) return running;
  const p = execute(d, probe, opts).finally(() => runs.delete(key));
  runs.set(key, p);
  return p;
}

/** The "Run deep probe" button: joins a run in progress, refuses one too soon after the last. */
export function requestDeepProbe(d: Dependency, opts: RunOptions & { minGapMs?: number } = {}): Promise<ProbeResult> {
  const running = runs.get(runKey(d, 'deep'));
  if (running) return running;
  const last = currentState(d).lastDeepAt;
  const gap = opts.minGapMs ?? DEEP_MIN_GAP_MS;
  if (last !== undefined && Date.now() - last < gap) {
    const wait = Math.ceil((last + gap - Date.now()) / 1000);
    throw new OpsdeckError('rate_limited', say('errors.ai.deepTooSoon', { label: d.label, model: d.model, ago: String(Math.round((Date.now() - last) / 1000)), wait: String(wait) }));
  }
  return probeDependency(d, 'deep', opts);
}

/** Makes the next light probe due now (after settings change or a provider is added). */
export function checkSoon(d: Dependency): void {
  const s = currentState(d);
  saveState(d, { ...s, nextLightAt: Date.now() });
}
