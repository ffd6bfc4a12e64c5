import { getJob, maskJob } from '@/lib/jobs';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { jobIdSchema } from '@/server-actions/input-schemas';
import { errorResponse, parseRouteInput } from '@/server-actions/route-guard';
import { guarded } from '@/server-actions/guarded-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_SUCH_JOB = { code: 'not_found', message: say('errors.noSuchJob') } as const;

// One job as JSON (status, summary, progress): for scripts and the benchmark; the page uses SSE.
export const GET = guarded({ action: 'jobs.read', role: 'viewer', stack: 'job' }, async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  try {
    const job = getJob(parseRouteInput(jobIdSchema, (await params).id, NO_SUCH_JOB));
    if (!job) throw new OpsdeckError(NO_SUCH_JOB.code, NO_SUCH_JOB.message);
    return Response.json(maskJob(job), { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e, 'jobs route');
  }
});
