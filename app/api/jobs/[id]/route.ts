import { getJob, maskJob } from '@/lib/jobs';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// One job as JSON (status, summary, progress): for scripts and the benchmark; the page uses SSE.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const gate = await guardRoute('viewer', 'jobs.read');
  if (gate instanceof Response) return gate;
  const { id } = await params;
  const job = /^\d{1,12}$/.test(id) ? getJob(id) : null;
  if (!job) return Response.json({ error: 'No such job.' }, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  return Response.json(maskJob(job), { headers: { 'Cache-Control': 'no-store' } });
}
