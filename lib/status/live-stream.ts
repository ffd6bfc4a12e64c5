/**
 * The Server-Sent Events body of a stack's live status. On connect: a fresh status, the chart's
 * history, the recent timeline and a database check (so a reconnecting page resynchronises
 * completely); then whatever the hub pushes. Keep-alive comments every 15 s keep proxies from
 * closing an idle stream; the stream ends itself after 10 minutes so the browser reconnects
 * through the route's session check again (a revoked session stops receiving within that time).
 */
import { checkDatabase } from '@/lib/postgres';
import type { Stack } from '@/lib/stacks/types';
import { listEvents } from './event-store';
import { getStatusHub, type StatusMessage } from './hub';
import { buildStackStatus, stackSecrets } from './snapshot';
import type { TimelineEvent, UsagePoint } from './types';

export type LiveMessage =
  | StatusMessage
  | { type: 'history'; usage: Record<string, UsagePoint[]> }
  | { type: 'timeline'; events: TimelineEvent[] };

const PING_MS = 15_000;
const MAX_LIFETIME_MS = 10 * 60_000;
/** Queued bytes past which chart samples are dropped for a client that does not read. */
const SLOW_CLIENT_BYTES = 256 * 1024;

export function statusEventStream(stack: Stack, signal: AbortSignal, opts: { maxLifetimeMs?: number } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const hub = getStatusHub();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        const write = (text: string) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        const send = (m: LiveMessage) => {
          if (m.type === 'usage' && (controller.desiredSize ?? 0) < 0) return;
          write(`data: ${JSON.stringify(m)}\n\n`);
        };
        // Subscribe first, so nothing that happens while the snapshot is built is lost.
        const unsubscribe = hub.subscribe(stack.name, send);
        const ping = setInterval(() => write(': ping\n\n'), PING_MS);
        const end = setTimeout(() => cleanup(), opts.maxLifetimeMs ?? MAX_LIFETIME_MS);
        cleanup = () => {
          if (!open) return;
          open = false;
          unsubscribe();
          clearInterval(ping);
          clearTimeout(end);
          signal.removeEventListener('abort', cleanup);
          try {
            controller.close();
          } catch {
            // already closed by the client going away
          }
        };
        signal.addEventListener('abort', cleanup, { once: true });
        // Reconnect quickly after a deliberate end or a dropped connection.
        write('retry: 1000\n\n');
        send({ type: 'engine', ...hub.engineState(stack) });
        void buildStackStatus(stack).then((status) => {
          send({ type: 'status', status });
          send({ type: 'history', usage: hub.history.of(status.services.flatMap((s) => s.instances.map((i) => i.id))) });
        });
        try {
          send({ type: 'timeline', events: listEvents(stack.name, 100) });
        } catch (e) {
          console.error('opsdeck: reading the events timeline failed:', e instanceof Error ? e.message : e);
        }
        void checkDatabase(stack, { secrets: stackSecrets(stack) }).then((database) => send({ type: 'database', database }));
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: SLOW_CLIENT_BYTES, size: (chunk) => chunk.byteLength },
  );
}
