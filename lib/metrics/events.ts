import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Opsdeck's Prometheus registry and the instruments the features call when something happens (a job
 * ends, a probe answers, a log stream opens). This file imports nothing of Opsdeck's own, so any
 * feature may import it. Labels are bounded on purpose: stack and service names come from the
 * config, job kinds and results from our code, AI dependencies from the stack's env file or an
 * admin; never container ids, user names or other user input. The gauges read at scrape time are
 * in gauges.ts.
 */
export interface Metrics {
  registry: Registry;
  jobs: Counter<'stack' | 'kind' | 'result'>;
  jobDuration: Histogram<'kind' | 'result'>;
  aiLatency: Histogram<'stack' | 'provider' | 'probe'>;
  aiFailures: Counter<'stack' | 'provider' | 'reason'>;
  logStreams: Gauge;
}

function build(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'opsdeck_' });
  return {
    registry,
    jobs: new Counter({ name: 'opsdeck_jobs_total', help: 'Finished jobs by kind and result', labelNames: ['stack', 'kind', 'result'], registers: [registry] }),
    jobDuration: new Histogram({ name: 'opsdeck_job_duration_seconds', help: 'Job duration', labelNames: ['kind', 'result'], buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600], registers: [registry] }),
    aiLatency: new Histogram({ name: 'opsdeck_ai_probe_latency_seconds', help: 'AI probe latency', labelNames: ['stack', 'provider', 'probe'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry] }),
    aiFailures: new Counter({ name: 'opsdeck_ai_probe_failures_total', help: 'Failed AI probes by reason', labelNames: ['stack', 'provider', 'reason'], registers: [registry] }),
    logStreams: new Gauge({ name: 'opsdeck_log_streams_open', help: 'Log streams (SSE) open right now', registers: [registry] }),
  };
}

const holder = globalThis as typeof globalThis & { __opsdeckMetrics?: Metrics };

/** The registry with the event instruments, one per process, kept across dev hot reloads. */
export function eventMetrics(): Metrics {
  return (holder.__opsdeckMetrics ??= build());
}

// Small hooks for the features that produce events; each is cheap and never throws into its caller.
export function observeJob(stack: string, kind: string, result: string, seconds: number): void {
  try {
    eventMetrics().jobs.inc({ stack, kind, result });
    eventMetrics().jobDuration.observe({ kind, result }, seconds);
  } catch {
    /* metrics must never fail a job */
  }
}

export function observeAiProbe(stack: string, provider: string, probe: string, latencyMs: number, failure: string | undefined): void {
  try {
    eventMetrics().aiLatency.observe({ stack, provider, probe }, latencyMs / 1000);
    if (failure) eventMetrics().aiFailures.inc({ stack, provider, reason: failure });
  } catch {
    /* never fail a probe */
  }
}

export function logStreamOpened(): () => void {
  eventMetrics().logStreams.inc();
  let closed = false;
  return () => {
    if (!closed) eventMetrics().logStreams.dec();
    closed = true;
  };
}
