/**
 * The SSE body the route handler returns, over real containers: wire format and resumable ids,
 * backpressure (a reader that stops reading stops the Docker stream), keep-alive pings, and the
 * Docker stream destroyed when the client goes away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogStreamCount } from '@/lib/docker/logs';
import { openLogSession, parseCursor, toSseStream, type LogItem, type LogSession } from '@/lib/logs';
import { loggenService, nodeService, startLogsStack, type LogsStack } from '../support/logs-stack';

let env: LogsStack;

beforeAll(async () => {
  env = await startLogsStack({
    flood: loggenService({ LOG_RATE: 0, LOG_COUNT: 300000 }),
    quiet: nodeService(`console.log('one\\rcarriage'); setInterval(() => {}, 1 << 30);`),
  });
  await new Promise((r) => setTimeout(r, 2500));
});

afterAll(async () => {
  await env?.down();
});

/** Wraps a session so the test can see how many lines were pulled out of Docker. */
function counted(session: LogSession): { session: LogSession; pulled: () => number } {
  let n = 0;
  const items = session.items;
  return {
    session: {
      ...session,
      items: (async function* () {
        for await (const batch of items) {
          n += batch.length;
          yield batch as LogItem[];
        }
      })(),
    },
    pulled: () => n,
  };
}

const decoder = new TextDecoder();

async function noOpenStreams() {
  for (let t = Date.now(); openLogStreamCount() > 0 && Date.now() - t < 2000; ) await wait(20);
  expect(openLogStreamCount()).toBe(0);
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SSE stream', () => {
  it('sends a meta event, line records and ids that are resumable cursors; "\\r" cannot break an event', async () => {
    const session = await openLogSession(env.stack, { services: ['quiet'], follow: false, tail: 10 });
    const text = await new Response(toSseStream(session)).text();
    expect(text.startsWith('retry: 2000\nevent: meta\ndata: {"sources":["quiet"],"follow":false}\n\n')).toBe(true);
    const record = /^data: (o-0 \S{30} .*)$/m.exec(text)?.[1];
    expect(record?.endsWith(' one␍carriage')).toBe(true);
    const id = /^id: (.+)$/m.exec(text)?.[1];
    expect(parseCursor(id)).toEqual({ ts: record!.slice(4, 34), n: 1 });
    expect(text.endsWith('event: end\ndata: {}\n\n')).toBe(true);
  });

  it('backpressure: while the client does not read, Docker is not read either', async () => {
    const { session, pulled } = counted(await openLogSession(env.stack, { services: ['flood'], follow: true, since: new Date(0) }));
    const reader = toSseStream(session).getReader();
    await reader.read();
    await reader.read();
    await wait(300);
    const stalled = pulled();
    await wait(1000);
    // At most the one batch the stream reads ahead; the 300,000 lines stay in Docker.
    expect(pulled() - stalled).toBeLessThanOrEqual(2000);
    expect(pulled()).toBeLessThan(20_000);
    let bytes = 0;
    for (let i = 0; i < 50; i++) bytes += (await reader.read()).value?.length ?? 0;
    expect(pulled()).toBeGreaterThan(stalled);
    expect(bytes).toBeGreaterThan(0);
    await reader.cancel();
    await noOpenStreams();
  });

  it('cancelling the body (client gone) destroys the Docker stream', async () => {
    await noOpenStreams();
    const before = openLogStreamCount();
    const session = await openLogSession(env.stack, { services: ['flood'], follow: true, tail: 100 });
    const reader = toSseStream(session).getReader();
    await reader.read();
    await reader.read();
    expect(openLogStreamCount()).toBe(before + 1);
    await reader.cancel();
    for (let t = Date.now(); openLogStreamCount() > before && Date.now() - t < 2000; ) await wait(20);
    expect(openLogStreamCount()).toBe(before);
  });

  it('keeps an idle stream alive with ping comments', async () => {
    const session = await openLogSession(env.stack, { services: ['quiet'], follow: true, tail: 0 });
    const reader = toSseStream(session, { pingMs: 200 }).getReader();
    let text = '';
    const deadline = Date.now() + 3000;
    while (!text.includes(': ping') && Date.now() < deadline) text += decoder.decode((await reader.read()).value);
    expect(text).toContain(': ping\n\n');
    await reader.cancel();
  });
});
