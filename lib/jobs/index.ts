// Public surface of lib/jobs: the shared job engine (per-stack lock, log, progress, recovery).
export type { Emit, EmitInput, Job, JobContext, JobEvent, JobHolder, JobProgress, JobStatus, LogLevel, SaidKey } from './types';
export { keyedPhase } from './types';
export { busyMessage, eventsAfter, getJob, listJobs, runningJob, type NewJob } from './job-store';
export { liveJobIds, runJob, startJob, type JobWork } from './run-job';
export { BUILTIN_RECOVERY, recoverInterruptedJobs, startRecoverySweep, type RecoveryHandler, type RecoveryInput } from './recovery';
export { jobEventStream, JOB_RECHECK_MS, type JobStreamOptions } from './sse';
export { jobRedactor, maskJob } from './masking';
