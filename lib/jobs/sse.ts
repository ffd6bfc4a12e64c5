/**
 * A job's log as Server-Sent Events: every event after `afterSeq` (its seq is the SSE id, so a
 * reconnecting EventSource resumes where it stopped), the latest progress whenever it changes,
 * and a final `end` with the outcome. The first frame (`job`, no id) describes the job. Reads the store, so it works for a job run by any process.
 *
 * A stream can stay open for as long as a job runs (an hour-long restore), so, like the log stream,
 * it re-checks the session every `recheckMs` (RECHECK_MS of the log stream): a user signed out,
 * disabled or demoted gets a final `revoked` event and the stream ends.
 */
import { say } from '@/lib/i18n/server-text';
import { eventsAfter, getJob } from './job-store';
import { jobRedactor, maskEvent, maskJob, type Mask } from './masking';

const POLL_MS = 300;
export const KEEPALIVE_MS = 15_000;
export const JOB_RECHECK_MS = 15_000;

export interface JobStreamOptions {
  /** False once the session that opened the stream may no longer read it. */
  stillAllowed?: () => boolean | Promise<boolean>;
  recheckMs?: number;
}

const REVOKED = say('errors.jobSessionRevoked');

function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function jobEventStream(jobId: string, afterSeq: number, signal: AbortSignal, opts: JobStreamOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let checkedAt = Date.now();
  let last = afterSeq;
  let lastProgress = '';
  let lastSent = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let mask: Mask = (text) => text;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      const tick = async () => {
        if (signal.aborted) return close();
        if (opts.stillAllowed && Date.now() - checkedAt >= (opts.recheckMs ?? JOB_RECHECK_MS)) {
          checkedAt = Date.now();
          const ok = await Promise.resolve().then(opts.stillAllowed).catch(() => false);
          if (signal.aborted) return close();
          if (!ok) {
            controller.enqueue(encoder.encode(frame('revoked', { message: REVOKED.text, said: REVOKED })));
            return close();
          }
        }
        try {
          let out = '';
          const row = getJob(jobId);
          if (!row) return close();
          const job = maskJob(row, mask);
          for (const e of eventsAfter(jobId, last)) {
            last = e.seq;
            if (e.type !== 'end') out += frame(e.type, maskEvent(e, mask), e.seq);
          }
          const progress = JSON.stringify(job.progress);
          if (job.progress && progress !== lastProgress) {
            lastProgress = progress;
            out += frame('progress', job.progress);
          }
          const ended = job.status !== 'running';
          if (ended) out += frame('end', { status: job.status, summary: job.summary, summarySaid: job.summarySaid, errorDetail: job.errorDetail, finishedAt: job.finishedAt }, last);
          // A named event, not a comment: the page sees it and can tell a quiet job from a dead stream.
          if (!out && Date.now() - lastSent > KEEPALIVE_MS) out = frame('ping', {});
          if (out) {
            controller.enqueue(encoder.encode(out));
            lastSent = Date.now();
          }
          if (ended) return close();
        } catch (e) {
          controller.error(e);
          return;
        }
        timer = setTimeout(() => void tick(), POLL_MS);
      };
      signal.addEventListener('abort', close, { once: true });
      // First, who the job is (title, who, when, status): a page that only knows the id can render it.
      const job = getJob(jobId);
      if (job) {
        // Viewers read this stream: the stack's secrets are masked in everything it carries.
        mask = jobRedactor(job.stack);
        controller.enqueue(encoder.encode(frame('job', maskJob(job, mask))));
      }
      void tick();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
