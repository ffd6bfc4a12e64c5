import { getStack } from '@/lib/stacks';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { liveLogResponse, openLogSession, parseLogQuery, statusOf } from '@/lib/logs';
import { guardRoute } from '@/server-actions/route-guard';
import { sessionRecheck } from '@/server-actions/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

// Live logs as Server-Sent Events. Resume: the browser (or our client) sends Last-Event-ID.
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'logs.read');
  if (gate instanceof Response) return gate;
  try {
    const stack = getStack((await params).name);
    const query = parseLogQuery(new URL(request.url).searchParams, { mode: 'stream', lastEventId: request.headers.get('last-event-id') });
    // The stream outlives this check: it re-checks the same session while open (lib/logs/stream.ts).
    const stillAllowed = await sessionRecheck('viewer');
    const session = await openLogSession(stack, query);
    return liveLogResponse(session, request.signal, { stillAllowed });
  } catch (e) {
    if (!isOpsdeckError(e)) console.error('[logs route]', e);
    return Response.json({ error: userMessageOf(e) }, { status: isOpsdeckError(e) ? statusOf(e.code) : 500, headers: NO_STORE });
  }
}
