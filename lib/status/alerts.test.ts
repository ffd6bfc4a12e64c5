import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '@/lib/notify';
import { openDb } from '@/lib/store';
import { notifyFromEvent } from './alerts';
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
  addTarget('demo', { name: 'all', format: 'generic', url, events: ['service.down', 'service.restart-loop'] }, 'admin');
});
afterAll(() => server.close());

const ev = (action: TimelineEvent['action'], exitCode: number | null): TimelineEvent =>
  ({ id: 1, at: '', service: 'memos', container: 'memos_1', action, exitCode, health: null, text: `memos ${action} (exit ${exitCode})` }) as TimelineEvent;

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
});
