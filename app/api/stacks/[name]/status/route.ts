import { statusEventStream } from '@/lib/status';
import { errorResponse, guardRoute, sseResponse, stackFromParam } from '@/server-actions/route-guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// Live status of one stack as Server-Sent Events (see lib/status/live-stream.ts).
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'status.stream', request);
  if (gate instanceof Response) return gate;
  let stack;
  try {
    stack = stackFromParam((await params).name);
  } catch (e) {
    return errorResponse(e, 'status route');
  }
  return sseResponse(statusEventStream(stack, request.signal));
}
