import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '@/lib/notify';
import { openDb } from '@/lib/store';
import { noteEngineEvent, notifyFromEvent } from './alerts';
import type { TimelineEvent } from './types';

const got: { event: string; title: string }[] = [];
let server: http.Server;

beforeAll(async () => {
  openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-alerts-')), 'opsdeck.db'));
  server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      got.push(JSON.parse(b));
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  addTarget('demo', { name: 'all', format: 'generic', url, events: ['service.down', 'service.restart-loop'], allowPrivate: true }, 'admin');
  addTarget('other', { name: 'all', format: 'generic', url, events: ['service.down', 'service.restart-loop'], allowPrivate: true }, 'admin');
});
afterAll(() => server.close());

const ev = (action: TimelineEvent['action'], exitCode: number | null, at = '', service = 'memos'): TimelineEvent =>
  ({ id: 1, at, service, container: `${service}_1`, action, exitCode, health: null, text: `${service} ${action} (exit ${exitCode})` }) as TimelineEvent;
const iso = (ms: number) => new Date(ms).toISOString();

describe('status events to notifications', () => {
  it('ignores a clean stop, reports an unexpected death once, then a restart loop', async () => {
    const t = 1_000_000;
    notifyFromEvent('demo', ev('die', 0), t);
    notifyFromEvent('demo', ev('die', 143), t);
    notifyFromEvent('demo', ev('die', 1), t + 1000);
    notifyFromEvent('demo', ev('die', 1), t + 2000); // within the quiet time: no second "down"
    notifyFromEvent('demo', ev('die', 137), t + 3000); // third death in 15 min: loop
    await expect.poll(() => got.map((g) => g.event)).toEqual(['service.down', 'service.restart-loop']);
    expect(got[1].title).toBe('memos is restarting in a loop');
  });

  it('ignores a die that follows a requested kill (docker stop past its grace period), but not a later crash', async () => {
    const t = Date.parse('2026-11-22T03:00:00.000Z');
    const from = got.length;
    // docker stop: kill (SIGTERM), kill (SIGKILL) after the grace period, die 137, stop.
    noteEngineEvent('other', { action: 'kill', containerName: 'app_1', at: iso(t) }, t);
    noteEngineEvent('other', { action: 'kill', containerName: 'app_1', at: iso(t + 10_000) }, t);
    notifyFromEvent('other', ev('die', 137, iso(t + 10_010), 'app'), t + 10_010);
    notifyFromEvent('other', ev('stop', null, iso(t + 10_020), 'app'), t + 10_020);
    // A kill of another container does not excuse this one.
    noteEngineEvent('other', { action: 'kill', containerName: 'worker_1', at: iso(t + 20_000) }, t);
    // The same container crashing later on its own, with no kill before it: reported.
    notifyFromEvent('other', ev('die', 1, iso(t + 600_000), 'app'), t + 600_000);
    await expect.poll(() => got.slice(from).map((g) => `${g.event} ${g.title}`)).toEqual(['service.down app went down']);
  });

  it('reports an OOM kill once, not as two deaths (oom, then die 137)', async () => {
    const t = Date.parse('2026-11-22T04:00:00.000Z');
    const from = got.length;
    notifyFromEvent('other', ev('oom', null, iso(t), 'hog'), t);
    notifyFromEvent('other', ev('die', 137, iso(t + 50), 'hog'), t + 50);
    notifyFromEvent('other', ev('oom', null, iso(t + 60_000), 'hog'), t + 60_000);
    notifyFromEvent('other', ev('die', 137, iso(t + 60_050), 'hog'), t + 60_050);
    await new Promise((r) => setTimeout(r, 300));
    // Two OOM kills are two deaths: still "down" (quiet time), not a loop, which needs three.
    expect(got.slice(from).map((g) => g.event)).toEqual(['service.down']);
  });
});
