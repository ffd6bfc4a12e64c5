/** Public surface of lib/status: a stack's live status, its events timeline and the recorder behind both. */
export type { AppProbe, InstanceStatus, ServiceStatus, StackStatus, TimelineAction, TimelineEvent, UsagePoint } from './types';
export { buildStackStatus, probeApp, stackSecrets } from './snapshot';
export { probeHttp, reportedVersion } from './probe';
export { UsageHistory, HISTORY_MS } from './usage-history';
export { describe as describeEvent, listEvents, lastEventTime, pruneEvents, recordEvent, KEEP_DAYS, STORED_ACTIONS } from './event-store';
export { StatusHub, getStatusHub, startStatusRecorder, type HubOptions, type Listener, type StatusMessage } from './hub';
export { statusEventStream, type LiveMessage } from './live-stream';
