import { logStreamOpened } from '@/lib/metrics/events';
import type { LogSession } from './session';
import { toSseStream, type SseStreamOptions } from './stream';

/**
 * The live-log route's event stream around an open session. The open-streams gauge and the session
 * end on whichever comes first: the request's abort (socket closed), the body being cancelled, the
 * stream ending itself (log complete, lifetime over, session revoked) or failing.
 */
export function liveLogStream(session: LogSession, signal: AbortSignal, opts: Omit<SseStreamOptions, 'onClose'> = {}): ReadableStream<Uint8Array> {
  const closed = logStreamOpened();
  const end = () => {
    closed();
    session.close();
  };
  signal.addEventListener('abort', end, { once: true });
  return toSseStream(session, {
    ...opts,
    onClose: () => {
      signal.removeEventListener('abort', end);
      end();
    },
  });
}
