import { eventMetrics, type Metrics } from './events';
import { registerGauges } from './gauges';

export type { Metrics } from './events';
export { observeJob, observeAiProbe, logStreamOpened } from './events';

const holder = globalThis as typeof globalThis & { __opsdeckGauges?: boolean };

/** The whole registry, scrape-time gauges included (what /api/metrics serves). */
export function metrics(): Metrics {
  const m = eventMetrics();
  if (!holder.__opsdeckGauges) {
    registerGauges(m.registry);
    holder.__opsdeckGauges = true;
  }
  return m;
}
