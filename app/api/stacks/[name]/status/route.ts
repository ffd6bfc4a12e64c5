import { statusEventStream } from '@/lib/status';
import { errorResponse, sseResponse, stackFromParam } from '@/server-actions/route-guard';
import { guarded } from '@/server-actions/guarded-route';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// Live status of one stack as Server-Sent Events (see lib/status/live-stream.ts).
export const GET = guarded({ action: 'status.stream', role: 'viewer', stack: 'name' }, async (request: Request, { params }: { params: Promise<{ name: string }> }) => {
  let stack;
  try {
    stack = stackFromParam((await params).name);
  } catch (e) {
    return errorResponse(e, 'status route');
  }
  return sseResponse(statusEventStream(stack, request.signal));
});
