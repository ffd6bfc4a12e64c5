import { describe, expect, it } from 'vitest';
import { HISTORY_MS, UsageHistory } from './usage-history';

const sample = (containerId: string, at: number, mem = 100) => ({ containerId, service: 's', at, cpuPercent: 1, memoryBytes: mem, memoryLimitBytes: null });

describe('usage history', () => {
  it('keeps 15 minutes per container and forgets containers that stopped reporting', () => {
    const h = new UsageHistory();
    const t0 = 1_000_000_000_000;
    for (let i = 0; i <= 20 * 12; i++) h.add(sample('a', t0 + i * 5000, i)); // 20 minutes at 5 s
    const now = t0 + 20 * 60_000;
    const a = h.of(['a', 'b'], now);
    expect(a.b).toEqual([]);
    expect(a.a[0].at).toBeGreaterThanOrEqual(now - HISTORY_MS);
    expect(a.a.at(-1)).toEqual({ at: now, cpu: 1, mem: 240, limit: null });
    expect(a.a).toHaveLength(181);
    h.prune(now + HISTORY_MS + 1);
    expect(h.of(['a'], now).a).toEqual([]);
  });

  it('caps a container at 1000 points however fast it is fed', () => {
    const h = new UsageHistory();
    for (let i = 0; i < 5000; i++) h.add(sample('a', 1_000_000 + i));
    expect(h.of(['a'], 1_000_000 + 5000).a).toHaveLength(1000);
  });
});
