import { getJob, jobEventStream } from '@/lib/jobs';
import { OpsdeckError } from '@/lib/errors';
import { jobEventSeqSchema, jobIdSchema } from '@/server-actions/input-schemas';
import { errorResponse, guardRoute, parseRouteInput, sseResponse } from '@/server-actions/route-guard';
import { sessionRecheck } from '@/server-actions/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_SUCH_JOB = { code: 'not_found', message: 'No such job.' } as const;

// A job's log and progress as Server-Sent Events; resumes after Last-Event-ID (or ?after=).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const gate = await guardRoute('viewer', 'jobs.events', request);
  if (gate instanceof Response) return gate;
  try {
    const id = parseRouteInput(jobIdSchema, (await params).id, NO_SUCH_JOB);
    if (!getJob(id)) throw new OpsdeckError(NO_SUCH_JOB.code, NO_SUCH_JOB.message);
    const resume = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after') ?? '0';
    const after = parseRouteInput(jobEventSeqSchema, resume, { code: 'invalid_input', message: 'Last-Event-ID (or ?after=) must be the number of a job event.' });
    // The stream outlives this check: it re-checks the same session while open (lib/jobs/sse.ts).
    const stillAllowed = await sessionRecheck('viewer');
    return sseResponse(jobEventStream(id, after, request.signal, { stillAllowed }));
  } catch (e) {
    return errorResponse(e, 'job events route');
  }
}
