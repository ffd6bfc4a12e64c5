/** Public surface of lib/ai-health: is each AI model a stack depends on reachable, correct and fast? */
export type { AiRole, AiStatus, ConfigIssue, Dependency, FailureKind, ProbeKind, ProbeResult, ProbeSettings, ProviderKind } from './types';
export { AI_ROLES, DEFAULT_SETTINGS, PROVIDER_KINDS } from './types';
export { getAiHealthView, percentile, type AiHealthView, type DependencyView, type LatencyPoint } from './view';
export { addAiProvider, removeAiProvider, runDeepProbe, updateProbeSettings } from './manage';
export { latestHealth, type LatestHealth } from './store';
export { startAiScheduler, stopAiScheduler, createAiScheduler, type AiScheduler, type SchedulerOptions } from './scheduler';
export { DEEP_MIN_GAP_MS } from './runner';
