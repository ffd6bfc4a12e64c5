import { openLogSession, parseLogQuery } from '@/lib/logs';
import { parseSearchQuery, searchStream } from '@/lib/logs/search';
import { errorResponse, stackFromParam } from '@/server-actions/route-guard';
import { guarded } from '@/server-actions/guarded-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Search over a time range of the whole retained log (?q=&regex=&case=&level=&limit= plus the log
// query's service/since/until), streamed as NDJSON; the same reading right as the live logs.
export const GET = guarded({ action: 'logs.search', role: 'viewer', stack: 'name' }, async (request: Request, { params }: { params: Promise<{ name: string }> }) => {
  try {
    const stack = stackFromParam((await params).name);
    const url = new URL(request.url);
    const search = parseSearchQuery(url.searchParams);
    const query = parseLogQuery(url.searchParams, { mode: 'download' });
    const session = await openLogSession(stack, query);
    return new Response(searchStream(session, search, request.signal), {
      headers: {
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch (e) {
    return errorResponse(e, 'logs search');
  }
});
