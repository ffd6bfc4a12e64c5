import { getJob, jobEventStream } from '@/lib/jobs';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { jobEventSeqSchema, jobIdSchema } from '@/server-actions/input-schemas';
import { errorResponse, parseRouteInput, sseResponse } from '@/server-actions/route-guard';
import { guarded } from '@/server-actions/guarded-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_SUCH_JOB = { code: 'not_found', message: say('errors.noSuchJob') } as const;

// A job's log and progress as Server-Sent Events; resumes after Last-Event-ID (or ?after=).
export const GET = guarded({ action: 'jobs.events', role: 'viewer', stack: 'job' }, async (request: Request, { params }: { params: Promise<{ id: string }> }, gate) => {
  try {
    const id = parseRouteInput(jobIdSchema, (await params).id, NO_SUCH_JOB);
    if (!getJob(id)) throw new OpsdeckError(NO_SUCH_JOB.code, NO_SUCH_JOB.message);
    const resume = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after') ?? '0';
    const after = parseRouteInput(jobEventSeqSchema, resume, { code: 'invalid_input', message: say('errors.badJobEvent') });
    // The stream outlives this check: it re-checks the same session or token while open (lib/jobs/sse.ts).
    const stillAllowed = await gate.recheck();
    return sseResponse(jobEventStream(id, after, request.signal, { stillAllowed }));
  } catch (e) {
    return errorResponse(e, 'job events route');
  }
});
