import { liveLogStream, openLogSession, parseLogQuery } from '@/lib/logs';
import { errorResponse, sseResponse, stackFromParam } from '@/server-actions/route-guard';
import { guarded } from '@/server-actions/guarded-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Live logs as Server-Sent Events. Resume: the browser (or our client) sends Last-Event-ID.
export const GET = guarded({ action: 'logs.read', role: 'viewer', stack: 'name' }, async (request: Request, { params }: { params: Promise<{ name: string }> }, gate) => {
  try {
    const stack = stackFromParam((await params).name);
    const query = parseLogQuery(new URL(request.url).searchParams, { mode: 'stream', lastEventId: request.headers.get('last-event-id') });
    // The stream outlives this check: it re-checks the same session or token while open (lib/logs/stream.ts).
    const stillAllowed = await gate.recheck();
    const session = await openLogSession(stack, query);
    return sseResponse(liveLogStream(session, request.signal, { stillAllowed }));
  } catch (e) {
    return errorResponse(e, 'logs route');
  }
});
