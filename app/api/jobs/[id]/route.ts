import { getJob, maskJob } from '@/lib/jobs';
import { OpsdeckError } from '@/lib/errors';
import { jobIdSchema } from '@/server-actions/input-schemas';
import { errorResponse, guardRoute, parseRouteInput } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_SUCH_JOB = { code: 'not_found', message: 'No such job.' } as const;

// One job as JSON (status, summary, progress): for scripts and the benchmark; the page uses SSE.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const gate = await guardRoute('viewer', 'jobs.read', request);
  if (gate instanceof Response) return gate;
  try {
    const job = getJob(parseRouteInput(jobIdSchema, (await params).id, NO_SUCH_JOB));
    if (!job) throw new OpsdeckError(NO_SUCH_JOB.code, NO_SUCH_JOB.message);
    return Response.json(maskJob(job), { headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e, 'jobs route');
  }
}
