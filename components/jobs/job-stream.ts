/**
 * Follows a job's SSE stream (/api/jobs/<id>/events) until its `end`, whatever happens to the
 * connection in between. EventSource alone reconnects after a dropped connection, but gives up for
 * good when a reconnect gets an error status (a server busy restarting, a 500 while the store is
 * locked), and it cannot tell a stalled stream from a quiet job. A job log that stops there shows
 * "running" forever for a job that ended long ago, which is the worst thing to show on call. So:
 * - a stream that closed without `end` is opened again after a pause, resuming after the last line;
 * - the server sends a `ping` event every 15 s of quiet; a stream silent for 3 of those is replaced.
 */

export interface JobStreamHandlers {
  job: (data: string) => void;
  line: (data: string) => number | null;
  progress: (data: string) => void;
  end: (data: string) => void;
  revoked: (data: string) => void;
}

export const RETRY_MS = 2_000;
export const SILENCE_MS = 45_000;

export function followJob(jobId: string, on: JobStreamHandlers): () => void {
  let last = 0;
  let heard = Date.now();
  let stopped = false;
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    stopped = true;
    clearTimeout(retry);
    clearInterval(watchdog);
    source?.close();
  };
  const again = () => {
    source?.close();
    clearTimeout(retry);
    if (!stopped) retry = setTimeout(connect, RETRY_MS);
  };
  const connect = () => {
    if (stopped) return;
    heard = Date.now();
    const es = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events${last ? `?after=${last}` : ''}`);
    source = es;
    const listen = (name: string, fn: (data: string) => void) =>
      es.addEventListener(name, (ev) => {
        heard = Date.now();
        fn((ev as MessageEvent<string>).data);
      });
    listen('job', on.job);
    listen('ping', () => {});
    listen('progress', on.progress);
    for (const name of ['log', 'step']) {
      listen(name, (data) => {
        const seq = on.line(data);
        if (seq !== null && seq > last) last = seq;
      });
    }
    listen('revoked', (data) => {
      stop();
      on.revoked(data);
    });
    listen('end', (data) => {
      stop();
      on.end(data);
    });
    // CLOSED: the browser gave up (an error status or a bad response); CONNECTING: it retries itself.
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED && source === es) again();
    };
  };
  const watchdog = setInterval(() => {
    if (!stopped && Date.now() - heard > SILENCE_MS) again();
  }, 5_000);
  connect();
  return stop;
}
