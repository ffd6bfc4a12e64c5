import { isOpsdeckError, userMessageOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { encodeSseBatch, encodeTextBatch, sseError, sseEvent, type SseState } from './encode';
import type { LogSession } from './session';
import type { LogItem } from './types';

/** SSE comment sent when nothing else was, so proxies and browsers keep an idle stream open. */
export const PING_MS = 15_000;
/**
 * A live stream ends itself after this long; the client reconnects at once with Last-Event-ID and
 * goes through the route's session check again. Between those, the session is re-checked every
 * RECHECK_MS: a disabled, demoted or signed-out user stops receiving within that time.
 */
export const MAX_LIFETIME_MS = 10 * 60_000;
export const RECHECK_MS = 15_000;

export interface SseStreamOptions {
  pingMs?: number;
  maxLifetimeMs?: number;
  /** Whether the user who opened the stream may still read it (false or a throw ends it). */
  stillAllowed?: () => boolean | Promise<boolean>;
  recheckMs?: number;
  /** Runs once, however the stream ends: finished, cancelled by the client, expired or refused. */
  onClose?: () => void;
}

interface PullOptions {
  session: LogSession;
  head?: string;
  encode: (items: LogItem[]) => string;
  tail: string;
  failure: (e: unknown) => string;
  pingMs?: number;
  maxLifetimeMs?: number;
  stillAllowed?: () => boolean | Promise<boolean>;
  recheckMs?: number;
  onClose?: () => void;
}

const REVOKED_SAID = say('errors.logs.sessionRevoked');
const REVOKED = sseEvent('failure', { message: REVOKED_SAID.text, said: REVOKED_SAID });

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
  let recheck: ReturnType<typeof setInterval> | undefined;
  let lifetime: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    clearInterval(recheck);
    clearTimeout(lifetime);
    o.session.close();
    void iterator.return?.();
    o.onClose?.();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (o.head) controller.enqueue(Buffer.from(o.head));
        // Ends between events: what was enqueued is whole events, each with its id, so the client
        // resumes exactly after them. A batch still being read from Docker is dropped unsent.
        const endNow = (last?: string) => {
          if (closed) return;
          try {
            if (last) controller.enqueue(Buffer.from(last));
            controller.close();
          } catch {
            // the client went away first
          }
          finish();
        };
        if (o.maxLifetimeMs) lifetime = setTimeout(() => endNow(), o.maxLifetimeMs);
        const allowed = o.stillAllowed;
        if (allowed) {
          recheck = setInterval(() => {
            void Promise.resolve()
              .then(allowed)
              .catch(() => false)
              .then((ok) => ok || endNow(REVOKED));
          }, o.recheckMs ?? RECHECK_MS);
        }
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

export function toSseStream(session: LogSession, opts: SseStreamOptions = {}): ReadableStream<Uint8Array> {
  const state: SseState = { sources: session.sources, cursors: [...session.position.cursors], floor: session.position.floor };
  return pullStream({
    ...opts,
    session,
    // retry: how long a browser's EventSource waits before reconnecting with Last-Event-ID.
    head: `retry: 2000\n${sseEvent('meta', { sources: session.sources, follow: session.follow })}`,
    encode: (items) => encodeSseBatch(items, state),
    tail: sseEvent('end', {}),
    failure: sseError,
    pingMs: opts.pingMs ?? PING_MS,
    maxLifetimeMs: opts.maxLifetimeMs ?? (session.follow ? MAX_LIFETIME_MS : undefined),
  });
}

export function toTextStream(session: LogSession, opts: { timestamps: boolean }): ReadableStream<Uint8Array> {
  const services = session.sources.length > 1 ? session.sources : null;
  return pullStream({
    session,
    encode: (items) => encodeTextBatch(items, { timestamps: opts.timestamps, services, names: session.sources }),
    tail: '',
    failure: (e) => `# error: ${userMessageOf(e)}\n`,
  });
}
