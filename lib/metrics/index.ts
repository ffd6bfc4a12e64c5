import { metrics } from './registry';

export { metrics, type Metrics } from './registry';

// Small hooks for the features that produce events; each is cheap and never throws into its caller.
export function observeJob(stack: string, kind: string, result: string, seconds: number): void {
  try {
    metrics().jobs.inc({ stack, kind, result });
    metrics().jobDuration.observe({ kind, result }, seconds);
  } catch {
    /* metrics must never fail a job */
  }
}

export function observeAiProbe(stack: string, provider: string, probe: string, latencyMs: number, failure: string | undefined): void {
  try {
    metrics().aiLatency.observe({ stack, provider, probe }, latencyMs / 1000);
    if (failure) metrics().aiFailures.inc({ stack, provider, reason: failure });
  } catch {
    /* never fail a probe */
  }
}

export function logStreamOpened(): () => void {
  metrics().logStreams.inc();
  let closed = false;
  return () => {
    if (!closed) metrics().logStreams.dec();
    closed = true;
  };
}
