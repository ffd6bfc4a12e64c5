/**
 * Outages as people want to hear about them: one "down", reminders at the stack's interval while
 * it stays down, one "recovered" with the outage's length; quiet hours hold what is not critical
 * and send it when they end; a critical problem's recovery is not held. A local receiver records.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTarget, formatDuration, inQuietHours, notify, notifyTick, openProblem, openProblems, resolveProblem, savePolicy, type Notification } from '@/lib/notify';
import { getDb, openDb } from '@/lib/store';

const received: Notification[] = [];
let server: http.Server;

beforeAll(async () => {
  openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-incidents-')), 'opsdeck.db'));
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push(JSON.parse(data) as Notification);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  for (const stack of ['s1', 's2', 's3']) {
    addTarget(stack, { name: 'all', format: 'generic', url, events: ['service.down', 'service.recovered', 'ai.down', 'ai.recovered'], allowPrivate: true }, 'admin');
  }
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  received.length = 0;
});

const titles = () => received.map((n) => n.title);

describe('outages, reminders, recoveries and quiet hours', () => {
  it('one down, reminders at the interval, one recovered with the outage\'s length', async () => {
    savePolicy('s1', { renotifyMinutes: 30 });
    const t0 = new Date('2026-12-05T01:00:00Z');
    const down = { title: 'memos went down', text: 'exit code 1', severity: 'critical' as const };
    expect(openProblem('s1', 'service:memos', 'service.down', down, { now: t0 })).toBe(true);
    expect(openProblem('s1', 'service:memos', 'service.down', down, { now: new Date(t0.getTime() + 60_000) })).toBe(false);
    await expect.poll(titles, { timeout: 15_000 }).toEqual(['memos went down']);

    expect(notifyTick(new Date(t0.getTime() + 29 * 60_000))).toEqual({ released: 0, reminded: 0 });
    expect(notifyTick(new Date(t0.getTime() + 30 * 60_000))).toEqual({ released: 0, reminded: 1 });
    expect(notifyTick(new Date(t0.getTime() + 31 * 60_000))).toEqual({ released: 0, reminded: 0 });
    await expect.poll(titles, { timeout: 15_000 }).toEqual(['memos went down', 'Still down: memos went down']);
    expect(received[1].text).toBe('Down for 30 min (since 2026-12-05T01:00:00.000Z).');
    expect(openProblems('s1')).toMatchObject([{ key: 'service:memos', reminders: 1 }]);

    const back = new Date(t0.getTime() + (72 * 60 + 5) * 1000);
    expect(resolveProblem('s1', 'service:memos', 'service.recovered', (d) => `memos is up again (down ${d})`, back)).toBe(true);
    expect(resolveProblem('s1', 'service:memos', 'service.recovered', (d) => `again ${d}`, back)).toBe(false);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(3);
    expect(received[2]).toMatchObject({ event: 'service.recovered', severity: 'info', title: 'memos is up again (down 1 h 12 min)', downForMs: 4_325_000 });
    expect(openProblems('s1')).toEqual([]);
  });

  it('quiet hours hold what is not critical and send it, in order, when they end; nothing is dropped', async () => {
    // 22:00–07:00 in Shanghai (UTC+8): 23:30 there is 15:30 UTC.
    savePolicy('s2', { quietStart: '22:00', quietEnd: '07:00', timeZone: 'Asia/Shanghai' });
    const quiet = new Date('2026-12-05T15:30:00Z');
    expect(inQuietHours({ quietStart: '22:00', quietEnd: '07:00', timeZone: 'Asia/Shanghai', renotifyMinutes: null }, quiet)).toBe(true);
    expect(inQuietHours({ quietStart: '22:00', quietEnd: '07:00', timeZone: 'Asia/Shanghai', renotifyMinutes: null }, new Date('2026-12-05T23:00:00Z'))).toBe(false);
    notify('s2', 'ai.down', { title: 'AI provider down', text: 'timeout', severity: 'warning', now: quiet });
    notify('s2', 'ai.recovered', { title: 'AI provider back', text: 'after 5 min', severity: 'info', now: quiet });
    notify('s2', 'service.down', { title: 'postgres went down', text: 'OOM', severity: 'critical', now: quiet });
    await expect.poll(titles, { timeout: 15_000 }).toEqual(['postgres went down']);
    expect((getDb().prepare("SELECT COUNT(*) AS n FROM notify_held WHERE stack = 's2'").get() as { n: number }).n).toBe(2);
    expect(notifyTick(new Date('2026-12-05T22:00:00Z'))).toEqual({ released: 0, reminded: 0 }); // 06:00 there: still quiet
    expect(notifyTick(new Date('2026-12-05T23:01:00Z'))).toEqual({ released: 2, reminded: 0 }); // 07:01 there
    await expect.poll(titles, { timeout: 15_000 }).toEqual(['postgres went down', 'AI provider down', 'AI provider back']);
    expect(received[1].text).toMatch(/^timeout\n\(Held during quiet hours since 2026-12-05T15:30:00\.000Z\.\)$/);
  });

  it('a critical problem\'s recovery is sent even in quiet hours (whoever was woken hears it is over)', async () => {
    savePolicy('s3', { quietStart: '00:00', quietEnd: '23:59', timeZone: 'UTC' });
    const now = new Date('2026-12-05T03:00:00Z');
    openProblem('s3', 'service:memos', 'service.down', { title: 'memos went down', text: 'x', severity: 'critical' }, { now });
    openProblem('s3', 'ai:chat', 'ai.down', { title: 'chat is down', text: 'y', severity: 'warning' }, { now });
    await expect.poll(titles, { timeout: 15_000 }).toEqual(['memos went down']);
    const later = new Date('2026-12-05T03:04:00Z');
    resolveProblem('s3', 'service:memos', 'service.recovered', (d) => `memos back after ${d}`, later);
    resolveProblem('s3', 'ai:chat', 'ai.recovered', (d) => `chat back after ${d}`, later);
    await expect.poll(() => titles().length, { timeout: 15_000 }).toBe(2);
    expect(titles()[1]).toBe('memos back after 4 min');
    // The warning's recovery waits with its down notice for the end of quiet hours.
    expect((getDb().prepare("SELECT COUNT(*) AS n FROM notify_held WHERE stack = 's3'").get() as { n: number }).n).toBe(2);
  });

  it('formats durations for people', () => {
    expect([45_000, 12 * 60_000, (3 * 60 + 12) * 60_000, 50 * 3_600_000].map(formatDuration)).toEqual(['45 s', '12 min', '3 h 12 min', '2 d 2 h']);
  });
});
