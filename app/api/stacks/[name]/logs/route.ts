import { getStack } from '@/lib/stacks';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { openLogSession, parseLogQuery, statusOf, toSseStream } from '@/lib/logs';
import { guardRoute } from '@/server-actions/route-guard';
import { logStreamOpened } from '@/lib/metrics';

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
    const session = await openLogSession(stack, query);
    // The client went away: cancel() runs too, but the abort comes first when the socket closes.
    const closed = logStreamOpened();
    request.signal.addEventListener('abort', () => { closed(); session.close(); }, { once: true });
    return new Response(toSseStream(session), {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      },
    });
  } catch (e) {
    if (!isOpsdeckError(e)) console.error('[logs route]', e);
    return Response.json({ error: userMessageOf(e) }, { status: isOpsdeckError(e) ? statusOf(e.code) : 500, headers: NO_STORE });
  }
}
