/**
 * Each channel against a local receiver that checks what the real one checks: DingTalk's and
 * Feishu's signatures recomputed from the shared secret, WeCom's body, Telegram's Bot API path and
 * chat, and email received by an SMTP server on loopback (with authentication).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTarget, deliver, getTarget, listTargets, targetInputSchema } from '@/lib/notify';
import { openDb } from '@/lib/store';

interface Hit { path: string; query: URLSearchParams; body: Record<string, unknown> }
const hits: Hit[] = [];
let answer: (h: Hit) => { status: number; body: string } = () => ({ status: 200, body: '{"errcode":0,"code":0,"ok":true}' });
let server: http.Server;
let base: string;

const mail: { from: string; to: string[]; data: string; user: string }[] = [];
let smtp: SMTPServer;
let smtpPort: number;

const n = { event: 'service.down' as const, stack: 'demo', severity: 'critical' as const, title: 'memos went down', text: 'exit code 1: database schema 9.9.9 is newer', at: '2026-11-22T03:00:00.000Z' };
const hmac = (key: string, msg: string) => crypto.createHmac('sha256', key).update(msg).digest('base64');

beforeAll(async () => {
  openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdeck-channels-')), 'opsdeck.db'));
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const hit = { path: u.pathname, query: u.searchParams, body: JSON.parse(data) as Record<string, unknown> };
      hits.push(hit);
      const a = answer(hit);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true, // loopback test server without TLS
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'opsdeck' && auth.password === 'mail-pass') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mail.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: String(session.user) });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await new Promise<void>((r) => smtp.close(() => r()));
});

beforeEach(() => {
  hits.length = 0;
  mail.length = 0;
  answer = () => ({ status: 200, body: '{"errcode":0,"code":0,"ok":true}' });
});

describe('notification channels against local receivers', () => {
  it('DingTalk: the robot\'s signature (ms timestamp, HMAC-SHA256 of "ts\\nsecret" keyed by the secret) checks out', async () => {
    const secret = 'SECdingtalk-test-secret';
    answer = (h) => {
      const ts = Number(h.query.get('timestamp'));
      const ok = Math.abs(Date.now() - ts) < 3_600_000 && h.query.get('sign') === hmac(secret, `${ts}\n${secret}`);
      return { status: 200, body: ok ? '{"errcode":0,"errmsg":"ok"}' : '{"errcode":310000,"errmsg":"sign not match"}' };
    };
    const id = addTarget('demo', { name: 'ding', format: 'dingtalk', url: `${base}/robot/send?access_token=TOKEN1`, events: ['service.down'], allowPrivate: true, options: { secret } }, 'admin');
    expect(await deliver(getTarget('demo', id), n, [])).toEqual({ ok: true, error: null, attempts: 1 });
    expect(hits[0].query.get('access_token')).toBe('TOKEN1');
    expect(hits[0].body).toMatchObject({ msgtype: 'markdown', markdown: { title: 'memos went down' } });
    // A wrong secret is refused by the receiver and recorded as such.
    const bad = addTarget('demo', { name: 'ding-bad', format: 'dingtalk', url: `${base}/robot/send?access_token=TOKEN1`, events: ['service.down'], allowPrivate: true, options: { secret: 'SECwrong' } }, 'admin');
    expect(await deliver(getTarget('demo', bad), n, [])).toEqual({ ok: false, error: 'sign not match (code 310000)', attempts: 1 });
    expect(JSON.stringify(listTargets('demo'))).not.toContain(secret);
  });

  it('Feishu: timestamp and sign in the body (s timestamp, HMAC-SHA256 keyed by "ts\\nsecret" over nothing)', async () => {
    const secret = 'feishu-test-secret';
    answer = (h) => {
      const ts = Number(h.body.timestamp);
      const ok = typeof h.body.timestamp === 'string' && Math.abs(Date.now() / 1000 - ts) < 3600 && h.body.sign === hmac(`${ts}\n${secret}`, '');
      return { status: 200, body: ok ? '{"code":0,"msg":"success"}' : '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' };
    };
    const id = addTarget('demo', { name: 'feishu', format: 'feishu', url: `${base}/open-apis/bot/v2/hook/abc`, events: ['service.down'], allowPrivate: true, options: { secret } }, 'admin');
    expect(await deliver(getTarget('demo', id), n, [])).toEqual({ ok: true, error: null, attempts: 1 });
    expect(hits[0].body).toMatchObject({ msg_type: 'text', content: { text: '[CRITICAL] memos went down (stack demo)\nexit code 1: database schema 9.9.9 is newer' } });
    const bad = addTarget('demo', { name: 'feishu-bad', format: 'feishu', url: `${base}/open-apis/bot/v2/hook/abc`, events: ['service.down'], allowPrivate: true, options: { secret: 'other' } }, 'admin');
    expect((await deliver(getTarget('demo', bad), n, [])).error).toMatch(/^sign match fail .* \(code 19021\)$/);
  });

  it('WeCom: the group robot\'s markdown body', async () => {
    const id = addTarget('demo', { name: 'wecom', format: 'wecom', url: `${base}/cgi-bin/webhook/send?key=K`, events: ['service.down'], allowPrivate: true }, 'admin');
    expect(await deliver(getTarget('demo', id), n, [])).toEqual({ ok: true, error: null, attempts: 1 });
    expect(hits[0]).toMatchObject({ path: '/cgi-bin/webhook/send', body: { msgtype: 'markdown', markdown: { content: '**[CRITICAL] memos went down (stack demo)**\nexit code 1: database schema 9.9.9 is newer' } } });
  });

  it('Telegram: sendMessage under /bot<token>/ with the chat; a refusal is reported in the API\'s words', async () => {
    answer = (h) => (h.path === '/bot123456:ABC-token/sendMessage'
      ? { status: 200, body: '{"ok":true,"result":{"message_id":1}}' }
      : { status: 401, body: '{"ok":false,"error_code":401,"description":"Unauthorized"}' });
    const id = addTarget('demo', { name: 'tg', format: 'telegram', url: base, events: ['service.down'], allowPrivate: true, options: { secret: '123456:ABC-token', chatId: '-1001234' } }, 'admin');
    expect(await deliver(getTarget('demo', id), n, [])).toEqual({ ok: true, error: null, attempts: 1 });
    expect(hits[0].body).toEqual({ chat_id: '-1001234', text: '[CRITICAL] memos went down (stack demo)\nexit code 1: database schema 9.9.9 is newer', disable_web_page_preview: true });
    const bad = addTarget('demo', { name: 'tg-bad', format: 'telegram', url: base, events: ['service.down'], allowPrivate: true, options: { secret: '999:wrong', chatId: '-1001234' } }, 'admin');
    const r = await deliver(getTarget('demo', bad), n, []);
    expect(r).toEqual({ ok: false, error: 'Unauthorized (code 401)', attempts: 1 });
    expect(JSON.stringify(listTargets('demo'))).not.toContain('ABC-token');
  });

  it('email over SMTP with authentication, to every recipient; a wrong password fails without showing it', async () => {
    const id = addTarget('demo', {
      name: 'mail', format: 'email', url: `smtp://opsdeck:mail-pass@127.0.0.1:${smtpPort}`, events: ['service.down'],
      options: { from: 'opsdeck@example.test', to: ['oncall@example.test', 'lead@example.test'] },
    }, 'admin');
    expect(await deliver(getTarget('demo', id), n, [])).toEqual({ ok: true, error: null, attempts: 1 });
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ from: 'opsdeck@example.test', to: ['oncall@example.test', 'lead@example.test'], user: 'opsdeck' });
    expect(mail[0].data).toMatch(/^Subject: \[CRITICAL\] memos went down \(stack demo\)\r?$/m);
    expect(mail[0].data).toContain('exit code 1: database schema 9.9.9 is newer');
    expect(listTargets('demo').find((t) => t.id === id)?.urlMasked).toBe(`smtp://127.0.0.1:${smtpPort}`);

    const bad = addTarget('demo', { name: 'mail-bad', format: 'email', url: `smtp://opsdeck:wrong-pass@127.0.0.1:${smtpPort}`, events: ['service.down'], options: { from: 'opsdeck@example.test', to: ['oncall@example.test'] } }, 'admin');
    const r = await deliver(getTarget('demo', bad), n, []);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^could not send the email: .*Invalid username or password/);
    expect(r.error).not.toContain('wrong-pass');
  });

  it('validates each channel\'s settings', () => {
    const base0 = { name: 'x', events: ['service.down'] };
    expect(targetInputSchema.safeParse({ ...base0, format: 'email', url: 'https://example.test/' }).success).toBe(false);
    expect(targetInputSchema.safeParse({ ...base0, format: 'email', url: 'smtp://h:25', options: { from: 'a@b.test' } }).success).toBe(false);
    expect(targetInputSchema.safeParse({ ...base0, format: 'email', url: 'smtp://h:25', options: { from: 'a@b.test', to: ['c@d.test'] } }).success).toBe(true);
    expect(targetInputSchema.safeParse({ ...base0, format: 'slack', url: 'smtp://h:25' }).success).toBe(false);
    expect(targetInputSchema.safeParse({ ...base0, format: 'telegram', url: 'https://api.telegram.org', options: { secret: '1:a' } }).success).toBe(false);
    expect(targetInputSchema.safeParse({ ...base0, format: 'telegram', url: 'https://api.telegram.org', options: { secret: '1:a', chatId: '@oncall_room' } }).success).toBe(true);
  });
});
