import { getJob, jobEventStream } from '@/lib/jobs';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

// A job's log and progress as Server-Sent Events; resumes after Last-Event-ID (or ?after=).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const gate = await guardRoute('viewer', 'jobs.events');
  if (gate instanceof Response) return gate;
  const { id } = await params;
  if (!/^\d{1,12}$/.test(id) || !getJob(id)) return Response.json({ error: 'No such job.' }, { status: 404, headers: NO_STORE });
  const resume = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after') ?? '0';
  const after = /^\d{1,9}$/.test(resume) ? Number(resume) : 0;
  return new Response(jobEventStream(id, after, request.signal), {
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' },
  });
}
