import { statusEventStream } from '@/lib/status';
import { errorResponse, guardRoute, stackFromParam } from '@/server-actions/route-guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// Live status of one stack as Server-Sent Events (see lib/status/live-stream.ts).
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'status.stream');
  if (gate instanceof Response) return gate;
  let stack;
  try {
    stack = stackFromParam((await params).name);
  } catch (e) {
    return errorResponse(e, 'status route');
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
