/**
 * Job logs are readable by every viewer, so everything a job stores is masked with its stack's
 * secrets when written (run-job, recovery), and masked again when served: rows written before
 * masking existed, or while the env file was unreadable, must not leak either.
 */
import { stackRedactorByName } from '@/lib/stacks/stack-secrets';
import { mapSaidParams, type SaidParams } from '@/lib/i18n/said';
import type { Job, JobEvent, SaidKey } from './types';

export type Mask = (text: string) => string;

export function jobRedactor(stack: string): Mask {
  return stackRedactorByName(stack);
}

const maskSaid = (said: SaidKey | null, mask: Mask): SaidKey | null =>
  said?.params ? { ...said, params: mapSaidParams(said.params, mask) } : said;

export function maskJob(job: Job, mask: Mask = jobRedactor(job.stack)): Job {
  return {
    ...job,
    title: mask(job.title),
    titleSaid: maskSaid(job.titleSaid, mask),
    summarySaid: maskSaid(job.summarySaid, mask),
    target: job.target === null ? null : mask(job.target),
    summary: job.summary === null ? null : mask(job.summary),
    errorDetail: job.errorDetail === null ? null : mask(job.errorDetail),
    progress: job.progress ? { ...job.progress, phase: mask(job.progress.phase), ...(job.progress.params ? { params: mapSaidParams(job.progress.params, mask) } : {}) } : null,
  };
}

export function maskEvent(event: JobEvent, mask: Mask): JobEvent {
  const params = event.data?.params as SaidParams | undefined;
  return { ...event, text: mask(event.text), ...(params ? { data: { ...event.data, params: mapSaidParams(params, mask) } } : {}) };
}
