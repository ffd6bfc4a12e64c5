/**
 * Following live logs of real containers: through a restart and a re-creation (gap markers, no
 * duplicates), resuming from a cursor (no duplicates, no gaps), and several services merged in
 * timestamp order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { advance, openLogSession, parseLogQuery, toSseStream, type Cursor, type LogItem, type LogLine, type LogMarker } from '@/lib/logs';
import { loggenService, nodeService, startLogsStack, type LogsStack } from '../support/logs-stack';

let env: LogsStack;

beforeAll(async () => {
  env = await startLogsStack({
    steady: loggenService({ LOG_RATE: 200 }),
    json: loggenService({ LOG_RATE: 50, LOG_JSON: 1, LOG_STDERR_EVERY: 4 }),
    restarted: loggenService({ LOG_RATE: 40 }, { stop_grace_period: '1s' }),
    // A TTY container: raw output, no stdout/stderr framing; counts from 1 on every start.
    tty: nodeService(`let n = 0; setInterval(() => console.log('tty seq=' + (++n)), 20);`, { tty: true, stop_grace_period: '1s' }),
  });
  await new Promise((r) => setTimeout(r, 1200));
});

afterAll(async () => {
  await env?.down();
});

const isLine = (i: LogItem): i is LogLine => i.kind === 'line';
const isMarker = (i: LogItem): i is LogMarker => i.kind === 'marker';
const seqOf = (text: string) => Number(/seq"?[=:](\d+)/.exec(text)?.[1]);

function containerOf(service: string): string {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${env.stack.projectName}`, '--filter', `label=com.docker.compose.service=${service}`]).toString().trim().split('\n')[0];
}

/** Reads a session in the background until `done` says so (or the timeout), then closes it. */
async function follow(req: Parameters<typeof openLogSession>[1], done: (items: LogItem[]) => boolean, timeoutMs = 30_000) {
  const session = await openLogSession(env.stack, req);
  const items: LogItem[] = [];
  const deadline = Date.now() + timeoutMs;
  const it = session.items[Symbol.asyncIterator]();
  let pending: ReturnType<typeof it.next> | null = null;
  try {
    while (!done(items) && Date.now() < deadline) {
      // A quiet stream must not block the check above: wait at most 500 ms, keeping the pending read.
      pending ??= it.next();
      const r = await Promise.race([pending, new Promise<null>((res) => setTimeout(() => res(null), 500))]);
      if (!r) continue;
      pending = null;
      if (r.done) break;
      items.push(...r.value);
    }
  } finally {
    session.close();
  }
  return items;
}

describe('following logs', () => {
  it('survives a restart: marks the stop and the gap, then follows the same container again without repeating lines', async () => {
    let restarting = false;
    const items = await follow({ services: ['restarted'], tail: 5, follow: true }, (got) => {
      const lines = got.filter(isLine);
      if (!restarting && lines.length >= 20) {
        restarting = true;
        spawn('docker', ['restart', '-t', '1', containerOf('restarted')], { stdio: 'ignore' });
      }
      // After the restart loggen counts from 1 again: wait for 20 lines of the new process.
      const marker = got.findIndex((i) => isMarker(i) && i.marker === 'restarted');
      return marker >= 0 && got.slice(marker).filter(isLine).length >= 20;
    });
    const markers = items.filter(isMarker).map((m) => m.marker);
    expect(markers).toEqual(['stopped', 'restarted']);
    const restartMarker = items.find((i) => isMarker(i) && i.marker === 'restarted') as LogMarker;
    expect(restartMarker.text).toMatch(/restarted at .*nothing was logged between/);
    const lines = items.filter(isLine);
    const keys = lines.map((l) => `${l.ts} ${l.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Exactly what Docker has for the same span, across both runs of the process.
    const cli = execFileSync('docker', ['logs', '-t', containerOf('restarted')]).toString().split('\n').filter(Boolean);
    const span = cli.filter((l) => l.slice(0, 30) >= lines[0].ts && l.slice(0, 30) <= lines.at(-1)!.ts);
    expect(keys).toEqual(span);
    // After the marker, the new process starts at seq 1: nothing from its start is missing.
    const after = items.slice(items.indexOf(restartMarker) + 1).filter(isLine).map((l) => seqOf(l.text));
    expect(after.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('follows a re-created container (new id) and says it is a new one', async () => {
    const oldId = containerOf('json');
    let recreated = false;
    const items = await follow({ services: ['json'], tail: 0, follow: true }, (got) => {
      if (!recreated && got.filter(isLine).length >= 5) {
        recreated = true;
        void env.compose(['up', '-d', '--force-recreate', '--no-deps', 'json']);
      }
      return got.some((i) => isMarker(i) && i.marker === 'restarted') && got.filter(isLine).length >= 15;
    }, 60_000);
    const marker = items.find((i) => isMarker(i) && i.marker === 'restarted') as LogMarker | undefined;
    expect(marker?.text).toContain(`replaces ${oldId.slice(0, 12)}`);
    expect(containerOf('json')).not.toBe(oldId);
    const levels = new Set(items.filter(isLine).map((l) => l.level));
    expect(levels).toEqual(new Set(['info', 'warn']));
  });

  it('resumes from a cursor with no duplicates and no gaps', async () => {
    const first = await follow({ services: ['steady'], tail: 10, follow: true }, (got) => got.length >= 150);
    let cursor: Cursor | null = null;
    for (const l of first.filter(isLine)) cursor = advance(cursor, l.ts);
    const lastSeq = seqOf(first.filter(isLine).at(-1)!.text);
    await new Promise((r) => setTimeout(r, 1000)); // "connection dropped" for a second
    const second = await follow({ services: ['steady'], follow: true, resume: cursor }, (got) => got.length >= 300);
    const seqs = second.filter(isLine).map((l) => seqOf(l.text));
    expect(seqs[0]).toBe(lastSeq + 1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => lastSeq + 1 + i));
  });

  it('merges several services in timestamp order, history then live', async () => {
    const items = await follow({ services: ['steady', 'json'], tail: 200, follow: true }, (got) => got.length >= 600);
    const lines = items.filter(isLine);
    expect(new Set(lines.map((l) => l.source))).toEqual(new Set([0, 1]));
    const outOfOrder = lines.filter((l, i) => i > 0 && l.ts < lines[i - 1].ts);
    expect(outOfOrder).toEqual([]);
    // No line twice across the history/live seam.
    const keys = lines.map((l) => `${l.source} ${l.ts} ${l.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Per service, the sequence has no hole across the seam.
    const steady = lines.filter((l) => l.source === 0).map((l) => seqOf(l.text));
    expect(steady).toEqual(Array.from({ length: steady.length }, (_, i) => steady[0] + i));
  });

  it('a TTY container is followed across a restart: the gap is marked and the new run is shown from its first line', async () => {
    let restarting = false;
    const items = await follow({ services: ['tty'], tail: 5, follow: true }, (got) => {
      if (!restarting && got.filter(isLine).length >= 20) {
        restarting = true;
        spawn('docker', ['restart', '-t', '1', containerOf('tty')], { stdio: 'ignore' });
      }
      const marker = got.findIndex((i) => isMarker(i) && i.marker === 'restarted');
      return marker >= 0 && got.slice(marker).filter(isLine).length >= 20;
    });
    expect(items.filter(isMarker).map((m) => m.marker)).toEqual(['stopped', 'restarted']);
    const marker = items.findIndex((i) => isMarker(i) && i.marker === 'restarted');
    const before = items.slice(0, marker).filter(isLine);
    const after = items.slice(marker).filter(isLine);
    for (const l of [...before, ...after]) {
      expect(l.stream).toBe('stdout');
      expect(l.text).toMatch(/^tty seq=\d+$/); // no "\r" left from the terminal's line endings
    }
    const seqs = (ls: LogLine[]) => ls.map((l) => seqOf(l.text));
    expect(seqs(before)).toEqual(Array.from({ length: before.length }, (_, i) => seqs(before)[0] + i));
    expect(seqs(after)).toEqual(Array.from({ length: after.length }, (_, i) => i + 1));
  });

  it('a merged live stream dropped and resumed with its SSE id repeats and skips no line of any service', async () => {
    const url = new URLSearchParams('service=steady,restarted&tail=20');
    /** Reads a merged SSE stream until `count` records, then drops it; returns records and the last id. */
    const readSse = async (lastEventId: string | null, count: number) => {
      const session = await openLogSession(env.stack, parseLogQuery(url, { mode: 'stream', lastEventId }));
      const reader = toSseStream(session).getReader();
      const decoder = new TextDecoder();
      const records: string[] = [];
      let id: string | null = lastEventId;
      let buf = '';
      const deadline = Date.now() + 30_000;
      while (records.length < count && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          for (const line of buf.slice(0, cut).split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (/^data: [oe]/.test(line)) records.push(line.slice(6));
          }
          buf = buf.slice(cut + 2);
        }
      }
      await reader.cancel(); // the connection drops
      return { records, id };
    };
    const first = await readSse(null, 400);
    expect(first.id).toMatch(/\|steady=.+\|restarted=/);
    await new Promise((r) => setTimeout(r, 1000)); // both services keep writing meanwhile
    const second = await readSse(first.id, 400);
    const all = [...first.records, ...second.records];
    expect(new Set(all).size).toBe(all.length);
    for (const source of ['0', '1']) {
      const seqs = all.filter((r) => r[2] === source).map(seqOf).sort((a, b) => a - b);
      expect(seqs.length).toBeGreaterThan(50);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    }
  });
});
