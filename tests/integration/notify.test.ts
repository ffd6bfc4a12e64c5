import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTarget, deliver, getTarget, listTargets, notify, type NotifyFormat } from '@/lib/notify';
import { isPrivateAddress, MAX_RESPONSE_BYTES } from '@/lib/notify/safe-post';
import { openDb } from '@/lib/store';
import { say } from '@/lib/i18n/server-text';

interface Received { path: string; body: unknown }
const received: Received[] = [];
let failFirst = 0;
let answer: (path: string) => { status: number; body: string } = () => ({ status: 200, body: '{}' });
let server: http.Server;
let base: string;

beforeAll(async () => {
  openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-notify-')), 'opsdeck.db'));
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(500).end('busy');
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(data) });
      const a = answer(req.url ?? '');
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());
beforeEach(() => {
  received.length = 0;
  failFirst = 0;
  answer = () => ({ status: 200, body: '{}' });
});

const n = { event: 'backup.failed' as const, stack: 'demo', severity: 'critical' as const, title: 'Backup failed', text: 'The database container is stopped.', at: '2026-11-22T03:00:00.000Z' };

describe('webhooks cannot be turned inward', () => {
  it('a private-address target is refused unless allowed, and nothing reaches it', async () => {
    for (const url of [`${base}/hook`, `http://localhost:${new URL(base).port}/hook`]) {
      const id = addTarget('demo', { name: 'inside', format: 'generic', url, events: ['backup.failed'] }, 'admin');
      const r = await deliver(getTarget('demo', id), n, []);
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/^refused: (127\.0\.0\.1|localhost) resolves to a private address \((127\.0\.0\.1|::1)\); an admin must tick "allow private address"/);
      expect(received).toEqual([]);
    }
    const allowed = addTarget('demo', { name: 'inside-ok', format: 'generic', url: `${base}/hook`, events: ['backup.failed'], allowPrivate: true }, 'admin');
    expect((await deliver(getTarget('demo', allowed), n, [])).ok).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    answer = (p) => (p === '/moved' ? { status: 302, body: '' } : { status: 200, body: '{}' });
    const redirecting = http.createServer((_req, res) => res.writeHead(307, { location: `${base}/moved-here` }).end());
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    try {
      const id = addTarget('demo', { name: 'redirect', format: 'generic', url: `http://127.0.0.1:${(redirecting.address() as { port: number }).port}/hook`, events: ['backup.failed'], allowPrivate: true }, 'admin');
      const r = await deliver(getTarget('demo', id), n, []);
      expect(r.error).toBe('refused: the receiver answered with a redirect (HTTP 307), which is not followed');
      expect(received).toEqual([]); // the redirect's target got nothing
    } finally {
      redirecting.close();
    }
  });

  it('an oversized answer is cut off and counts as a failure', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ pad: 'x'.repeat(MAX_RESPONSE_BYTES + 10) }) });
    const id = addTarget('demo', { name: 'big', format: 'generic', url: `${base}/big`, events: ['backup.failed'], allowPrivate: true }, 'admin');
    const r = await deliver(getTarget('demo', id), n, []);
    expect(r.error).toBe('refused: the receiver\'s answer is larger than 64 KiB; it was cut off');
  });

  it('knows which addresses are private', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '127.8.8.8', '169.254.169.254', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', 'fc12::3', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });
});

describe('notifications over real HTTP', () => {
  it('sends each format in its receiver’s shape', async () => {
    const expected: Partial<Record<NotifyFormat, unknown>> = {
      generic: n,
      slack: { text: '*[CRITICAL] Backup failed (stack demo)*\nThe database container is stopped.' },
      dingtalk: { msgtype: 'markdown', markdown: { title: 'Backup failed', text: '### [CRITICAL] Backup failed (stack demo)\n\nThe database container is stopped.' } },
      feishu: { msg_type: 'text', content: { text: '[CRITICAL] Backup failed (stack demo)\nThe database container is stopped.' } },
      wecom: { msgtype: 'markdown', markdown: { content: '**[CRITICAL] Backup failed (stack demo)**\nThe database container is stopped.' } },
    };
    for (const format of Object.keys(expected) as NotifyFormat[]) {
      const id = addTarget('demo', { name: format, format, url: `${base}/hook/${format}/tok3n`, events: ['backup.failed'], allowPrivate: true }, 'admin');
      const r = await deliver(getTarget('demo', id), n, []);
      expect(r).toEqual({ ok: true, error: null, attempts: 1 });
      expect(received.at(-1)).toEqual({ path: `/hook/${format}/tok3n`, body: expected[format] });
    }
  });

  it('retries a failing receiver and records the outcome', async () => {
    const id = addTarget('demo', { name: 'flaky', format: 'generic', url: `${base}/flaky`, events: ['backup.failed'], allowPrivate: true }, 'admin');
    failFirst = 2;
    expect(await deliver(getTarget('demo', id), n, [10, 10])).toEqual({ ok: true, error: null, attempts: 3 });
    failFirst = 5;
    expect(await deliver(getTarget('demo', id), n, [10, 10])).toEqual({ ok: false, error: 'HTTP 500', attempts: 3 });
    expect(listTargets('demo').find((t) => t.id === id)?.lastDelivery).toMatchObject({ status: 'failed', attempts: 3, error: 'HTTP 500' });
  });

  it('treats a chat webhook’s errcode as a failure, and never stores the token-bearing URL in errors', async () => {
    answer = () => ({ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' });
    const id = addTarget('demo', { name: 'ding', format: 'dingtalk', url: `${base}/robot/send?access_token=SECRETTOKEN123`, events: ['backup.failed'], allowPrivate: true }, 'admin');
    expect(await deliver(getTarget('demo', id), n, [])).toMatchObject({ ok: false, error: 'keywords not in content (code 310000)' });
    const down = addTarget('demo', { name: 'down', format: 'slack', url: 'http://127.0.0.1:9/services/SECRETTOKEN123', events: ['backup.failed'], allowPrivate: true }, 'admin');
    const r = await deliver(getTarget('demo', down), n, []);
    expect(r.ok).toBe(false);
    expect(r.error).not.toContain('SECRETTOKEN123');
    const views = JSON.stringify(listTargets('demo'));
    expect(views).not.toContain('SECRETTOKEN123');
    expect(listTargets('demo').find((t) => t.id === id)?.urlMasked).toBe(`${base}/••••N123`);
  });

  it('notify() goes only to targets subscribed to the event and does not wait for them', async () => {
    addTarget('other', { name: 'restore-only', format: 'generic', url: `${base}/restore-only`, events: ['restore.finished'], allowPrivate: true }, 'admin');
    const t0 = Date.now();
    notify('other', 'backup.failed', { title: 'x', text: 'y' });
    notify('other', 'restore.finished', { title: 'Restore finished', text: 'demo is serving backup 2026-11-22' });
    expect(Date.now() - t0).toBeLessThan(50);
    await expect.poll(() => received.map((r) => r.path)).toEqual(['/restore-only']);
  });

  it('notify() writes each target in its own language: Chinese for a zh-CN one, the same English as before for the others', async () => {
    const zh = addTarget('lang', { name: 'zh', format: 'feishu', url: `${base}/lang/zh`, events: ['backup.failed'], allowPrivate: true, options: { lang: 'zh-CN' } }, 'admin');
    addTarget('lang', { name: 'en', format: 'feishu', url: `${base}/lang/en`, events: ['backup.failed'], allowPrivate: true }, 'admin');
    const reason = say('errors.healthTimeout', { seconds: '120', report: 'postgres: exited' });
    notify('lang', 'backup.failed', { severity: 'critical', title: say('notify.backupFailed', { stack: 'lang' }), text: say('notify.startedBy', { text: reason, by: 'alice' }) });
    await expect.poll(() => received.filter((r) => r.path.startsWith('/lang/')).length).toBe(2);
    const body = (p: string) => received.find((r) => r.path === p)?.body;
    expect(body('/lang/zh')).toEqual({ msg_type: 'text', content: { text: '[严重] lang 的备份失败（服务栈 lang）\n健康检查在 120 秒后失败：postgres: exited。 由 alice 发起。' } });
    expect(body('/lang/en')).toEqual({ msg_type: 'text', content: { text: '[CRITICAL] Backup of lang failed (stack lang)\nHealth check failed after 120 s: postgres: exited. Started by alice.' } });
    // The page shows what the receiver got, and which language it gets.
    await expect.poll(() => listTargets('lang').find((t) => t.id === zh)?.lastDelivery?.status).toBe('sent');
    expect(listTargets('lang').find((t) => t.id === zh)).toMatchObject({ lang: 'zh-CN', lastDelivery: { title: 'lang 的备份失败' } });
  });
});
