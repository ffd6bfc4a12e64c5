import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { getStack } from '@/lib/stacks';
import { statusEventStream } from '@/lib/status';
import { guardRoute } from '@/server-actions/route-guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// Live status of one stack as Server-Sent Events (see lib/status/live-stream.ts).
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'status.stream');
  if (gate instanceof Response) return gate;
  const { name } = await params;
  let stack;
  try {
    stack = getStack(name);
  } catch (e) {
    const status = isOpsdeckError(e) && e.code === 'not_found' ? 404 : 500;
    return Response.json({ error: userMessageOf(e) }, { status, headers: { 'Cache-Control': 'no-store' } });
  }
  return new Response(statusEventStream(stack, request.signal), {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    },
  });
}
