/**
 * Status with hysteresis, as a pure function of the previous state and one probe result, so a
 * single lost packet does not page anyone and a single lucky reply does not clear an outage:
 * down after N consecutive failures, up again after M consecutive successes, degraded when a light
 * probe is slower than the threshold. A dependency never probed is `unknown`; its first success
 * makes it up at once (there is no outage to debounce).
 */
import type { DependencyState, ProbeResult, ProbeSettings } from './types';

export const INITIAL_STATE: Readonly<DependencyState> = { status: 'unknown', reason: 'not checked yet', failStreak: 0, okStreak: 0 };

export function nextState(prev: DependencyState, r: ProbeResult, s: ProbeSettings): DependencyState {
  const deep = r.probe === 'deep' ? { lastDeepAt: r.at, lastDeepOk: r.ok, lastDeepMessage: r.message } : {};
  if (r.ok) {
    const okStreak = prev.okStreak + 1;
    const base: DependencyState = {
      ...prev,
      ...deep,
      okStreak,
      failStreak: 0,
      lastSuccessAt: r.at,
      lastLatencyMs: r.probe === 'light' ? r.latencyMs : prev.lastLatencyMs ?? r.latencyMs,
      resetAt: undefined,
    };
    if (prev.status === 'down' && okStreak < s.successesToUp) {
      return { ...base, reason: `recovering: ${okStreak} of ${s.successesToUp} successes needed (last error: ${prev.lastError ?? 'none'})` };
    }
    if (r.probe === 'deep') {
      // Deep calls are slower by nature (a completion, an embedding): they do not judge latency.
      return { ...base, status: prev.status === 'degraded' ? 'degraded' : 'up', reason: prev.status === 'degraded' ? prev.reason : r.message };
    }
    if (r.latencyMs > s.latencyThresholdMs) {
      return { ...base, status: 'degraded', reason: `slow: ${r.latencyMs} ms, over the ${s.latencyThresholdMs} ms threshold` };
    }
    return { ...base, status: 'up', reason: r.message };
  }

  const failStreak = prev.failStreak + 1;
  const base: DependencyState = {
    ...prev,
    ...deep,
    failStreak,
    okStreak: 0,
    lastErrorAt: r.at,
    lastError: r.message,
    lastFailure: r.failure,
    resetAt: r.resetAt,
  };
  // A configuration mistake will not fix itself between two probes: no reason to wait.
  if (r.failure === 'config' || failStreak >= s.failuresToDown) return { ...base, status: 'down', reason: r.message };
  return { ...base, reason: `${r.message} (failure ${failStreak} of ${s.failuresToDown} before down)` };
}
