/**
 * CPU and memory samples of the last 15 minutes per container, in memory only: enough for the
 * live chart, gone on restart (the timeline in the store is what must survive). Bounded by time
 * and by a hard cap per container, so a fast sampler can never grow it.
 */
import type { UsageSample } from '@/lib/docker/stats';
import type { UsagePoint } from './types';

export const HISTORY_MS = 15 * 60_000;
const MAX_POINTS = 1000;

export class UsageHistory {
  private readonly byContainer = new Map<string, UsagePoint[]>();

  add(sample: UsageSample): UsagePoint {
    const point: UsagePoint = { at: sample.at, cpu: sample.cpuPercent, mem: sample.memoryBytes, limit: sample.memoryLimitBytes };
    const list = this.byContainer.get(sample.containerId) ?? [];
    list.push(point);
    const cutoff = sample.at - HISTORY_MS;
    let drop = 0;
    while (drop < list.length && list[drop].at < cutoff) drop++;
    if (list.length - drop > MAX_POINTS) drop = list.length - MAX_POINTS;
    if (drop > 0) list.splice(0, drop);
    this.byContainer.set(sample.containerId, list);
    return point;
  }

  /** Copies, so a caller serialising them never sees a later push. */
  of(containerIds: string[], now = Date.now()): Record<string, UsagePoint[]> {
    const out: Record<string, UsagePoint[]> = {};
    for (const id of containerIds) out[id] = (this.byContainer.get(id) ?? []).filter((p) => p.at >= now - HISTORY_MS);
    return out;
  }

  /** Forgets containers with no sample in the window (removed, or stopped for 15 minutes). */
  prune(now = Date.now()): void {
    for (const [id, list] of this.byContainer) if (!list.length || list[list.length - 1].at < now - HISTORY_MS) this.byContainer.delete(id);
  }
}
