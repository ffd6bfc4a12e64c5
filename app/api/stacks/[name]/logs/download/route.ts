import { openLogSession, parseLogQuery, toTextStream } from '@/lib/logs';
import { errorResponse, guardRoute, stackFromParam } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The selected logs as a text file, streamed from Docker as it is read: never built in memory.
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const gate = await guardRoute('viewer', 'logs.download', request);
  if (gate instanceof Response) return gate;
  try {
    const stack = stackFromParam((await params).name);
    const query = parseLogQuery(new URL(request.url).searchParams, { mode: 'download' });
    const session = await openLogSession(stack, query);
    request.signal.addEventListener('abort', () => session.close(), { once: true });
    const what = query.containerId ? query.containerId.slice(0, 12) : session.sources.join('+');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const filename = `${stack.name}-${what}-${stamp}.log`.replace(/[^A-Za-z0-9_.+-]/g, '_');
    return new Response(toTextStream(session, { timestamps: query.timestamps }), {
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Disposition': `attachment; filename="${filename}"`,
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch (e) {
    return errorResponse(e, 'logs download');
  }
}
