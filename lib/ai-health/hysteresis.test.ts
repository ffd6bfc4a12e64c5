import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, nextState } from './hysteresis';
import type { DependencyState, ProbeResult, ProbeSettings } from './types';

const settings: ProbeSettings = { lightIntervalSec: 60, deepIntervalSec: 0, latencyThresholdMs: 1000, failuresToDown: 3, successesToUp: 2 };
let clock = 1_000_000;
const ok = (latencyMs = 100, probe: 'light' | 'deep' = 'light'): ProbeResult => ({ ok: true, probe, at: (clock += 1000), latencyMs, message: 'model listed' });
const fail = (failure: ProbeResult['failure'] = 'auth', message = 'HTTP 401: invalid API key'): ProbeResult => ({
  ok: false, probe: 'light', at: (clock += 1000), latencyMs: 5, failure, message,
});
const run = (results: ProbeResult[], from: DependencyState = INITIAL_STATE) => results.reduce((s, r) => nextState(s, r, settings), from);

describe('nextState', () => {
  it('starts unknown and goes up on the first success', () => {
    const s = run([ok()]);
    expect(s).toMatchObject({ status: 'up', okStreak: 1, failStreak: 0, lastLatencyMs: 100, reason: 'model listed' });
  });

  it('stays up through N-1 failures, then goes down with the failure as reason', () => {
    const up = run([ok()]);
    const one = run([fail()], up);
    expect(one.status).toBe('up');
    expect(one.reason).toBe('HTTP 401: invalid API key (failure 1 of 3 before down)');
    expect(one.lastError).toBe('HTTP 401: invalid API key');
    const two = run([fail()], one);
    expect(two.status).toBe('up');
    const three = run([fail()], two);
    expect(three).toMatchObject({ status: 'down', reason: 'HTTP 401: invalid API key', failStreak: 3, lastFailure: 'auth' });
  });

  it('a success in between resets the failure count', () => {
    const s = run([ok(), fail(), fail(), ok(), fail(), fail()]);
    expect(s.status).toBe('up');
    expect(s.failStreak).toBe(2);
  });

  it('needs M consecutive successes to come back up', () => {
    const down = run([fail(), fail(), fail()]);
    expect(down.status).toBe('down');
    const one = run([ok()], down);
    expect(one.status).toBe('down');
    expect(one.reason).toContain('recovering: 1 of 2 successes needed');
    expect(run([fail()], one).status).toBe('down');
    expect(run([ok(), ok()], down).status).toBe('up');
  });

  it('is degraded when a light probe is slower than the threshold, and up again when fast', () => {
    const slow = run([ok(1500)]);
    expect(slow).toMatchObject({ status: 'degraded', reason: 'slow: 1500 ms, over the 1000 ms threshold' });
    expect(run([ok(200)], slow).status).toBe('up');
  });

  it('deep probes count for the streaks but do not judge latency', () => {
    const s = run([ok(100), ok(5000, 'deep')]);
    expect(s).toMatchObject({ status: 'up', lastDeepOk: true, lastLatencyMs: 100 });
  });

  it('a configuration mistake is down at once', () => {
    expect(run([fail('config', 'configuration: key missing')]).status).toBe('down');
  });

  it('keeps the reset time of a rate limit until a success', () => {
    const limited = run([{ ...fail('rate_limit', 'HTTP 429: rate limited'), resetAt: 42 }]);
    expect(limited.resetAt).toBe(42);
    expect(run([ok()], limited).resetAt).toBeUndefined();
  });
});
