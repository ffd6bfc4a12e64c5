import { z } from 'zod';
import { eventsAfter, getJob } from '@/lib/jobs';
import { guardRoute } from '@/server-actions/route-guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const POLL_MS = 300;
const PING_MS = 15_000;
const idSchema = z.string().regex(/^\d{1,12}$/);

/**
 * A job's log and progress as SSE, read from the store: a page reload, a second browser or a
 * reconnect (Last-Event-ID = the last event's seq) all see the same story, even for a job another
 * Opsdeck process runs. The stream ends after the job's `end` event.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const gate = await guardRoute('viewer', 'job.events');
  if (gate instanceof Response) return gate;
  const parsed = idSchema.safeParse((await ctx.params).id);
  if (!parsed.success) return Response.json({ error: 'No such job.' }, { status: 404 });
  const id = parsed.data;
  if (!getJob(id)) return Response.json({ error: 'No such job.' }, { status: 404 });
  let after = Number(req.headers.get('last-event-id') ?? new URL(req.url).searchParams.get('after') ?? 0) || 0;

  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let lastProgress = '';
      let lastWrite = Date.now();
      const send = (text: string) => {
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      const tick = () => {
        try {
          const job = getJob(id);
          if (!job) return controller.close();
          const progress = JSON.stringify({ status: job.status, progress: job.progress, summary: job.summary, errorDetail: job.errorDetail });
          if (progress !== lastProgress) send(`event: job\ndata: ${progress}\n\n`);
          lastProgress = progress;
          let ended = false;
          for (const e of eventsAfter(id, after)) {
            send(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
            after = e.seq;
            ended ||= e.type === 'end';
          }
          if (ended) return controller.close();
          if (Date.now() - lastWrite > PING_MS) send(': ping\n\n');
          timer = setTimeout(tick, POLL_MS);
        } catch {
          controller.close();
        }
      };
      tick();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
  req.signal.addEventListener('abort', () => clearTimeout(timer));
  return new Response(stream, {
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' },
  });
}
