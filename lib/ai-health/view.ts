/**
 * What the AI page shows, built for the browser: every field is safe to serialize. Keys appear
 * only masked (last 4 characters); the Dependency objects holding them never leave this module.
 */
import { maskSecret } from '@/lib/secrets';
import { getStack } from '@/lib/stacks';
import { listDependencies } from './dependencies';
import { currentState, isRunning } from './runner';
import { getSettings, resultsSince } from './store';
import { dimensionIssues, readVectorColumns, type VectorInfo } from './vector-columns';
import type { AiRole, AiStatus, ConfigIssue, FailureKind, ProbeSettings, ProviderKind } from './types';

export interface LatencyPoint {
  at: number;
  latencyMs: number;
  ok: boolean;
}

export interface DependencyView {
  id: string;
  source: 'env' | 'admin';
  label: string;
  kind: ProviderKind;
  role: AiRole;
  model: string;
  baseUrl: string;
  keyVar?: string;
  keyMasked?: string;
  expectedDimension?: number;
  configProblem?: string;
  settings: ProbeSettings;
  status: AiStatus;
  reason: string;
  latencyMs?: number;
  p50?: number;
  p95?: number;
  /** Light probes of the last hour, oldest first, for the chart. */
  series: LatencyPoint[];
  lastSuccessAt?: number;
  lastErrorAt?: number;
  lastError?: string;
  lastFailure?: FailureKind;
  resetAt?: number;
  nextCheckAt?: number;
  nextDeepAt?: number;
  lastDeep?: { at: number; ok: boolean; message: string };
  probing: { light: boolean; deep: boolean };
}

export interface AiHealthView {
  stack: string;
  issues: ConfigIssue[];
  dependencies: DependencyView[];
  vector: VectorInfo;
  generatedAt: number;
}

const HOUR_MS = 3_600_000;

/** Nearest-rank percentile (p in 0..100) of an unsorted list; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Base URLs are not secrets, but one pasted with credentials in it would be: drop them. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return `${u.toString()} (credentials hidden)`;
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}

export async function getAiHealthView(stackName: string, now = Date.now()): Promise<AiHealthView> {
  const stack = getStack(stackName);
  const { deps, issues } = listDependencies(stack);
  const vector = deps.some((d) => d.role === 'embedding') ? await readVectorColumns(stack) : ({ known: false, reason: 'no embedding model configured' } as const);
  const dependencies = deps.map((d): DependencyView => {
    const s = currentState(d);
    const series = resultsSince(stack.name, d.id, now - HOUR_MS, 'light').map((r) => ({ at: r.at, latencyMs: r.latencyMs, ok: r.ok }));
    const okLatencies = series.filter((p) => p.ok).map((p) => p.latencyMs);
    return {
      id: d.id,
      source: d.source,
      label: d.label,
      kind: d.kind,
      role: d.role,
      model: d.model,
      baseUrl: displayUrl(d.baseUrl),
      ...(d.keyVar ? { keyVar: d.keyVar } : {}),
      ...(d.apiKey ? { keyMasked: maskSecret(d.apiKey) } : {}),
      ...(d.expectedDimension ? { expectedDimension: d.expectedDimension } : {}),
      ...(d.configProblem ? { configProblem: d.configProblem } : {}),
      settings: getSettings(stack.name, d.id),
      status: s.status,
      reason: s.reason,
      latencyMs: s.lastLatencyMs,
      p50: percentile(okLatencies, 50),
      p95: percentile(okLatencies, 95),
      series,
      lastSuccessAt: s.lastSuccessAt,
      lastErrorAt: s.lastErrorAt,
      lastError: s.lastError,
      lastFailure: s.lastFailure,
      resetAt: s.resetAt,
      nextCheckAt: s.nextLightAt,
      nextDeepAt: s.nextDeepAt,
      ...(s.lastDeepAt ? { lastDeep: { at: s.lastDeepAt, ok: s.lastDeepOk ?? false, message: s.lastDeepMessage ?? '' } } : {}),
      probing: { light: isRunning(d, 'light'), deep: isRunning(d, 'deep') },
    };
  });
  return { stack: stack.name, issues: [...issues, ...dimensionIssues(deps, vector)], dependencies, vector, generatedAt: now };
}
