import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { encodeSseBatch, encodeTextBatch, sseError, sseEvent, type SseState } from './encode';
import type { LogSession } from './session';
import type { LogItem } from './types';

/** SSE comment sent when nothing else was, so proxies and browsers keep an idle stream open. */
export const PING_MS = 15_000;

interface PullOptions {
  session: LogSession;
  head?: string;
  encode: (items: LogItem[]) => string;
  tail: string;
  failure: (e: unknown) => string;
  pingMs?: number;
}

/**
 * A ReadableStream that reads the session only when its consumer asks (pull): when the client
 * reads slowly, the response's buffers fill, pull stops being called, the Docker stream is no
 * longer read and dockerd blocks on the socket. Cancelling (the client went away) closes the
 * session, which destroys the Docker streams.
 */
function pullStream(o: PullOptions): ReadableStream<Uint8Array> {
  const iterator = o.session.items[Symbol.asyncIterator]();
  let lastWrite = Date.now();
  let ping: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    o.session.close();
    void iterator.return?.();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (o.head) controller.enqueue(Buffer.from(o.head));
        if (o.pingMs) {
          ping = setInterval(() => {
            if (closed || Date.now() - lastWrite < o.pingMs!) return;
            lastWrite = Date.now();
            try {
              controller.enqueue(Buffer.from(': ping\n\n'));
            } catch {
              finish();
            }
          }, Math.min(o.pingMs, 5000));
        }
      },
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (closed) return;
          if (next.done) {
            controller.enqueue(Buffer.from(o.tail));
            finish();
            controller.close();
            return;
          }
          const text = o.encode(next.value);
          if (text) {
            lastWrite = Date.now();
            controller.enqueue(Buffer.from(text));
          }
        } catch (e) {
          if (closed) return;
          if (!isOpsdeckError(e)) console.error('[logs stream]', e);
          controller.enqueue(Buffer.from(o.failure(e)));
          finish();
          controller.close();
        }
      },
      cancel() {
        finish();
      },
    },
    // One batch ahead at most: the rest of the buffering is the socket's.
    { highWaterMark: 1 },
  );
}

export function toSseStream(session: LogSession, opts: { pingMs?: number } = {}): ReadableStream<Uint8Array> {
  const state: SseState = { cursor: null };
  return pullStream({
    session,
    // retry: how long a browser's EventSource waits before reconnecting with Last-Event-ID.
    head: `retry: 2000\n${sseEvent('meta', { sources: session.sources, follow: session.follow })}`,
    encode: (items) => encodeSseBatch(items, state),
    tail: sseEvent('end', {}),
    failure: sseError,
    pingMs: opts.pingMs ?? PING_MS,
  });
}

export function toTextStream(session: LogSession, opts: { timestamps: boolean }): ReadableStream<Uint8Array> {
  const services = session.sources.length > 1 ? session.sources : null;
  return pullStream({
    session,
    encode: (items) => encodeTextBatch(items, { timestamps: opts.timestamps, services }),
    tail: '',
    failure: (e) => `# error: ${userMessageOf(e)}\n`,
  });
}
