import { liveLogStream, openLogSession, parseLogQuery } from '@/lib/logs';
import { errorResponse, guardRoute, sseResponse, stackFromParam } from '@/server-actions/route-guard';
import { sessionRecheck } from '@/server-actions/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Live logs as Server-Sent Events. Resume: the browser (or our client) sends Last-Event-ID.
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'logs.read', request);
  if (gate instanceof Response) return gate;
  try {
    const stack = stackFromParam((await params).name);
    const query = parseLogQuery(new URL(request.url).searchParams, { mode: 'stream', lastEventId: request.headers.get('last-event-id') });
    // The stream outlives this check: it re-checks the same session while open (lib/logs/stream.ts).
    const stillAllowed = await sessionRecheck('viewer');
    const session = await openLogSession(stack, query);
    return sseResponse(liveLogStream(session, request.signal, { stillAllowed }));
  } catch (e) {
    return errorResponse(e, 'logs route');
  }
}
