import { logStreamOpened } from '@/lib/metrics';
import type { LogSession } from './session';
import { toSseStream, type SseStreamOptions } from './stream';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const;

/**
 * The live-log route's response around an open session. The open-streams gauge and the session
 * end on whichever comes first: the request's abort (socket closed), the body being cancelled, the
 * stream ending itself (log complete, lifetime over, session revoked) or failing.
 */
export function liveLogResponse(session: LogSession, signal: AbortSignal, opts: Omit<SseStreamOptions, 'onClose'> = {}): Response {
  const closed = logStreamOpened();
  const end = () => {
    closed();
    session.close();
  };
  signal.addEventListener('abort', end, { once: true });
  const body = toSseStream(session, {
    ...opts,
    onClose: () => {
      signal.removeEventListener('abort', end);
      end();
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}
