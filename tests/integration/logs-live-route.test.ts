/**
 * The live-log route's response (lib/logs/live-response.ts in sseResponse, what app/api/stacks/[name]/logs returns
 * after its guard) served by a real HTTP server to a real client, over real containers: a dropped
 * client closes the Docker stream and the open-streams gauge, the stream ends itself after its
 * lifetime and the client resumes with no duplicates and no gaps, and a user disabled or demoted
 * while the stream is open stops receiving (checked against a real SQLite user store).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogStreamCount } from '@/lib/docker/logs';
import { liveLogStream, openLogSession, parseLogQuery, type SseStreamOptions } from '@/lib/logs';
import { sseResponse } from '@/server-actions/route-guard';
import { metrics } from '@/lib/metrics';
import { createUser, setDisabled, setRole } from '@/lib/auth/users';
import { withTempDb } from '@/lib/store/temp-db';
import { recheckFor } from '@/server-actions/session';
import { createSession } from '@/lib/auth/sessions';
import { loggenService, startLogsStack, type LogsStack } from '../support/logs-stack';

let env: LogsStack;
const tmp = withTempDb();

beforeAll(async () => {
  env = await startLogsStack({ steady: loggenService({ LOG_RATE: 200 }), other: loggenService({ LOG_RATE: 120, LOG_STDERR_EVERY: 3 }) });
  await new Promise((r) => setTimeout(r, 1500));
});

afterAll(async () => {
  await env?.down();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gauge = async () => (await metrics().logStreams.get()).values[0]?.value ?? 0;
async function settled(what: () => number | Promise<number>, value: number) {
  for (let t = Date.now(); (await what()) !== value && Date.now() - t < 3000; ) await wait(20);
  return what();
}

/**
 * Serves the route's response the way Next does: the body is pumped into the socket, and a closed
 * socket cancels the body. `abortOnClose: false` leaves request.signal alone, so only the
 * stream's own cancel path can end the Docker stream and the gauge.
 */
async function serve(opts: SseStreamOptions, abortOnClose = true) {
  const server = http.createServer(async (req, res) => {
    const ac = new AbortController();
    const request = new Request(`http://localhost${req.url}`, { headers: req.headers as Record<string, string>, signal: ac.signal });
    const query = parseLogQuery(new URL(request.url).searchParams, { mode: 'stream', lastEventId: request.headers.get('last-event-id') });
    const response = sseResponse(liveLogStream(await openLogSession(env.stack, query), request.signal, opts));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    const reader = response.body!.getReader();
    res.on('close', () => {
      if (abortOnClose) ac.abort();
      void reader.cancel().catch(() => {});
    });
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (r.done || res.destroyed) break;
      if (!res.write(r.value)) await new Promise((ok) => (res.once('drain', ok), res.once('close', ok)));
    }
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))) };
}

interface Record_ { source: number; seq: number; key: string }
interface Read { records: Record_[]; lastId: string | null; events: string[]; ended: 'eof' | 'stopped' }

/** Reads one response like components/logs/connection.ts: records, ids, named events. */
async function readSse(url: string, opts: { lastId?: string | null; stopAfter?: number; timeoutMs?: number } = {}): Promise<Read> {
  const ac = new AbortController();
  const headers: Record<string, string> = opts.lastId ? { 'Last-Event-ID': opts.lastId } : {};
  const res = await fetch(url, { headers, signal: ac.signal });
  expect(res.status).toBe(200);
  const out: Read = { records: [], lastId: opts.lastId ?? null, events: [], ended: 'eof' };
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let buf = '';
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const ev = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        for (const line of ev.split('\n')) {
          if (line.startsWith('event: ')) out.events.push(line.slice(7));
          else if (line.startsWith('id: ')) out.lastId = line.slice(4);
          else if (/^data: [oe]/.test(line)) {
            const source = Number(/^data: ..(\d+)/.exec(line)![1]);
            out.records.push({ source, seq: Number(/seq=(\d+)/.exec(line)?.[1]), key: line });
          }
        }
      }
      if (opts.stopAfter && out.records.length >= opts.stopAfter) {
        out.ended = 'stopped';
        break;
      }
    }
  } finally {
    ac.abort();
  }
  return out;
}

function expectContinuous(records: Record_[], sources: number[]) {
  expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
  for (const s of sources) {
    // Sorted: stdout and stderr are stamped by separate readers in dockerd, so by stamp they may swap.
    const seqs = records.filter((r) => r.source === s).map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs.length).toBeGreaterThan(20);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
  }
}

describe('live-log route response', () => {
  it('a client that drops the connection closes the Docker stream and the open-streams gauge', async () => {
    const srv = await serve({});
    try {
      const before = await gauge();
      const got = await readSse(`${srv.base}/?service=steady&tail=10`, { stopAfter: 50 });
      expect(got.records.length).toBeGreaterThanOrEqual(50);
      expect(await settled(openLogStreamCount, 0)).toBe(0);
      expect(await settled(gauge, before)).toBe(before);
    } finally {
      await srv.close();
    }
  });

  it('the gauge and Docker stream also close through the body cancel alone (request.signal never aborts)', async () => {
    const srv = await serve({}, false);
    try {
      const before = await gauge();
      const pending = readSse(`${srv.base}/?service=steady,other&tail=10`, { stopAfter: 60 });
      for (let t = Date.now(); (await gauge()) === before && Date.now() - t < 3000; ) await wait(10);
      expect(await gauge()).toBe(before + 1);
      await pending;
      expect(await settled(openLogStreamCount, 0)).toBe(0);
      expect(await settled(gauge, before)).toBe(before);
    } finally {
      await srv.close();
    }
  });

  it.each([
    ['one service', 'service=steady', [0]],
    ['two services merged', 'service=steady,other', [0, 1]],
  ])('%s: the stream ends itself after its lifetime; resuming with Last-Event-ID repeats and skips nothing', async (_, q, sources) => {
    const srv = await serve({ maxLifetimeMs: 1200 });
    try {
      const all: Record_[] = [];
      let lastId: string | null = null;
      for (let round = 0; round < 3; round++) {
        const got = await readSse(`${srv.base}/?${q}&tail=5`, { lastId });
        // Ended by the server, not complete: no "end" event, so a client reconnects.
        expect(got.ended).toBe('eof');
        expect(got.events).not.toContain('end');
        expect(got.records.length).toBeGreaterThan(50);
        all.push(...got.records);
        lastId = got.lastId;
        if (sources.length > 1) expect(lastId).toMatch(/\|steady=.*\|other=/);
        await wait(round === 1 ? 800 : 0); // once with lines written while disconnected
      }
      expectContinuous(all, sources);
      expect(await settled(openLogStreamCount, 0)).toBe(0);
    } finally {
      await srv.close();
    }
  });

  it('a user disabled, or demoted below the role, while the stream is open stops receiving', async () => {
    for (const revoke of ['disable', 'demote'] as const) {
      const user = await createUser({ username: `reader-${revoke}`, password: 'a long enough password', role: revoke === 'demote' ? 'operator' : 'viewer' });
      // The session as signed in: user id and session version (what the JWT carries).
      const sv = (tmp.db.prepare('SELECT session_version AS v FROM users WHERE id = ?').get(user.id) as { v: number }).v;
      const srv = await serve({ stillAllowed: recheckFor(user.id, sv, revoke === 'demote' ? 'operator' : 'viewer', createSession(user.id)), recheckMs: 200 });
      try {
        const reading = readSse(`${srv.base}/?service=steady&tail=5`, { timeoutMs: 15_000 });
        await wait(1000);
        if (revoke === 'disable') setDisabled(user.id, true);
        else setRole(user.id, 'viewer');
        const t = Date.now();
        const got = await reading;
        expect(Date.now() - t).toBeLessThan(2000);
        expect(got.events).toContain('failure');
        expect(got.records.length).toBeGreaterThan(50);
        expect(await settled(openLogStreamCount, 0)).toBe(0);
      } finally {
        await srv.close();
      }
    }
  });
});
