/**
 * zod's refusals (log queries, log search, user accounts, notification targets) and the route
 * refusals (an unknown stack, the sign-in and role gates, the cross-site check, API tokens) are keyed
 * (issue 16): each reader sees them in their language, and the English stays character for
 * character what the code wrote before keys (the API, the audit log and the e2e specs show it).
 */
import { describe, expect, it } from 'vitest';
import { createUser } from '@/lib/auth/users';
import { crossSiteRefusal } from '@/lib/auth/same-origin';
import { errorBody, OpsdeckError, userMessageIn } from '@/lib/errors';
import { say, sayIn } from '@/lib/i18n/server-text';
import { parseLogQuery } from '@/lib/logs/query';
import { parseSearchQuery } from '@/lib/logs/search';
import { parseTargetInput } from '@/lib/notify';
import { COMPOSE_YAML, withTempStacks } from '@/lib/stacks/test-support';
import { withTempDb } from '@/lib/store/temp-db';
import { errorResponse, stackFromParam } from '@/server-actions/route-guard';
import { expectChinese, expectKeyedTexts } from '../support/said-text';

withTempDb();
withTempStacks((tree) => {
  tree.write('compose.yml', COMPOSE_YAML);
  tree.write('opsdeck.yaml', 'stacks:\n  - { name: alpha, preset: generic, compose: compose.yml }\n');
});

/** The typed error `fn` throws, with its English and Chinese. */
function refusal(fn: () => unknown): { en: string; zh: string; err: OpsdeckError } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OpsdeckError);
    const err = e as OpsdeckError;
    expect(err.said, err.message).toBeDefined();
    return { en: err.message, zh: userMessageIn(err, 'zh-CN'), err };
  }
  throw new Error('no refusal');
}

const query = (q: string) => () => parseLogQuery(new URLSearchParams(q), { mode: 'stream' });
const search = (q: string) => () => parseSearchQuery(new URLSearchParams(q));

describe('log query and search refusals', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const cases: [() => unknown, string][] = [
      [query('service=a b'), 'A service name is letters, digits, ".", "_" and "-".'],
      [query(`service=${Array.from({ length: 21 }, (_, i) => `s${i}`).join(',')}`), 'At most 20 services at once.'],
      [query('container=xyz'), 'A container id is 12 to 64 hexadecimal characters.'],
      [query('tail=lots'), 'tail must be a number of lines.'],
      [query('tail=10001'), 'tail is at most 10000 lines.'],
      [query('since=yesterday'), '"yesterday" is not a time: use an ISO 8601 instant with a zone (2024-05-01T12:00:00Z) or a span back from now (15m, 2h, 1d).'],
      [query('since=2024-05-02T00:00:00Z&until=2024-05-01T00:00:00Z'), '"since" must be before "until".'],
      [search(`q=${'x'.repeat(201)}`), 'The search is at most 200 characters.'],
    ];
    for (const [fn, english] of cases) {
      const { en, zh } = refusal(fn);
      expect(en).toBe(english);
      expectChinese(zh);
    }
    expect(refusal(query('since=yesterday')).zh).toContain('“yesterday”');
  });

  it('checks zod used to answer in its own English are keyed too', () => {
    const cases: [() => unknown, string][] = [
      [query('tail=1.5'), 'tail must be a whole number of lines.'],
      [query('tail=-1'), 'tail cannot be negative.'],
      [query('follow=maybe'), 'follow must be 0, 1, true or false.'],
      [query(`since=${'1'.repeat(41)}`), 'A time is at most 40 characters.'],
      [search('q=x&regex=yes'), 'regex must be 0, 1, true or false.'],
      [search('level=loud'), 'level must be one of trace, debug, info, warn, error, fatal.'],
      [search('q=x&limit=0'), 'limit must be a whole number from 1 to 10000.'],
      [search('q=x&limit=many'), 'limit must be a whole number from 1 to 10000.'],
    ];
    for (const [fn, english] of cases) {
      const { en, zh } = refusal(fn);
      expect(en).toBe(english);
      expectChinese(zh);
    }
  });
});

describe('user account refusals', () => {
  it('keep the English of before keys, and read in Chinese', async () => {
    const refused = async (input: { username: string; password: string; role: string }) => {
      const e = await createUser(input as never).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(OpsdeckError);
      return { en: (e as OpsdeckError).message, zh: userMessageIn(e, 'zh-CN') };
    };
    const cases: [Awaited<ReturnType<typeof refused>>, string][] = [
      [await refused({ username: 'alice', password: 'short', role: 'admin' }), 'Password must be at least 10 characters.'],
      [await refused({ username: 'alice', password: 'x'.repeat(1025), role: 'admin' }), 'Password must be at most 1024 characters.'],
      [await refused({ username: 'a b', password: 'long enough pass', role: 'admin' }), 'Username must be 2 to 40 characters: letters, digits, dot, underscore or hyphen.'],
      [await refused({ username: 'alice', password: 'long enough pass', role: 'root' }), 'Role must be viewer, operator or admin.'],
    ];
    for (const [{ en, zh }, english] of cases) {
      expect(en).toBe(english);
      expectChinese(zh);
    }
  });
});

describe('notification target refusals', () => {
  const base = { name: 'ops', format: 'generic', url: 'https://hooks.example/x', events: ['backup.failed'], options: {} };

  it('keep the English of before keys, each problem with its field, and read in Chinese', () => {
    const cases: [unknown, string][] = [
      [{ ...base, name: ' ' }, 'name: give it a name'],
      [{ ...base, url: 'ftp://x' }, 'url: must be an http(s):// URL (smtp:// or smtps:// for email)'],
      [{ ...base, events: [] }, 'events: choose at least one event'],
      [{ ...base, options: { chatId: 'x' } }, 'options.chatId: a chat id (digits) or @channelname'],
      [{ ...base, format: 'email' }, 'url: email needs an smtp:// or smtps:// URL; options: email needs a sender and at least one recipient'],
      [{ ...base, format: 'telegram' }, 'options: Telegram needs the bot token and the chat id'],
      [{ ...base, url: 'smtp://mail.example' }, 'url: must be an http:// or https:// URL'],
    ];
    for (const [input, english] of cases) {
      const { en, zh } = refusal(() => parseTargetInput(input));
      expect(en).toBe(english);
      expectChinese(zh);
    }
    expect(refusal(() => parseTargetInput({ ...base, format: 'email' })).zh).toBe('url：邮件需要 smtp:// 或 smtps:// 网址；options：邮件需要发件人和至少一个收件人');
  });

  it('checks zod used to answer in its own English are keyed too', () => {
    const cases: [unknown, string][] = [
      [{ ...base, name: 'x'.repeat(61) }, 'name: at most 60 characters'],
      [{ ...base, format: 'pager' }, 'format: not a known format'],
      [{ ...base, events: ['nope'] }, 'events.0: not a known event'],
      [{ ...base, format: 'email', url: 'smtp://m', options: { from: 'me', to: ['you@example.com'] } }, 'options.from: not an email address'],
      [{ ...base, format: 'email', url: 'smtp://m', options: { from: 'me@example.com', to: [] } }, 'options.to: 1 to 20 recipients'],
      [{ ...base, options: { lang: 'fr' } }, 'options.lang: en or zh-CN'],
    ];
    for (const [input, english] of cases) {
      const { en, zh } = refusal(() => parseTargetInput(input));
      expect(en).toBe(english);
      expectChinese(zh);
    }
    expect(say('changes.notifyTargetAdded', { name: 'ops' }).text).toBe('Webhook ops added.');
    expectChinese(sayIn('zh-CN', say('changes.notifyTargetAdded', { name: 'ops' })));
  });
});

describe('route refusals', () => {
  it('keep the English of before keys, and read in Chinese', () => {
    const unknown = refusal(() => stackFromParam('beta'));
    expect(unknown.en).toBe('No stack named "beta" is configured.');
    expect(unknown.zh).toBe('没有配置名为“beta”的服务栈。');
    const h = (o: Record<string, string>) => new Headers(o);
    const refusals: [ReturnType<typeof crossSiteRefusal>, string][] = [
      [crossSiteRefusal('POST', h({ origin: 'https://evil.example', host: 'ops.example' }), {}), 'This request came from another site (its Origin is not this Opsdeck), so it was refused.'],
      [crossSiteRefusal('POST', h({ 'sec-fetch-site': 'cross-site', 'x-opsdeck-request': '1' }), {}), 'This request came from another site, so it was refused.'],
      [crossSiteRefusal('POST', h({}), {}), 'A request that changes something needs an Origin header from this Opsdeck or the header "X-Opsdeck-Request: 1".'],
    ];
    for (const [said, english] of refusals) {
      expect(said?.text).toBe(english);
      expectChinese(sayIn('zh-CN', said!));
    }
    const english: [ReturnType<typeof say>, string][] = [
      [say('errors.signedOut'), 'You are not signed in, or your session has ended. Sign in again.'],
      [say('errors.needsRole', { required: 'admin', role: 'viewer' }), 'This needs the admin role; you are signed in as viewer.'],
      [say('errors.route.tokenInvalid'), 'This API token is not valid (unknown, revoked or expired).'],
      [say('errors.route.tokenNeedsRole', { required: 'admin', role: 'viewer' }), 'This needs the admin role; the token has viewer.'],
      [say('errors.route.tokenOwnerTwoFactor'), 'The token’s owner must set up two-factor sign-in first.'],
      [say('errors.route.tokenNotForStack', { stack: 'beta' }), 'This token is not for stack "beta".'],
      [say('errors.route.badRequest'), 'The request is not valid.'],
    ];
    expectKeyedTexts(english);
  });

  it('answer the English as before, with the keyed text beside it for the page', async () => {
    const res = errorResponse(refusal(() => stackFromParam('beta')).err, 'test');
    expect(res.status).toBe(404);
    const body = (await res.json()) as ReturnType<typeof errorBody>;
    expect(body.error).toBe('No stack named "beta" is configured.');
    expect(sayIn('zh-CN', body.said!)).toBe('没有配置名为“beta”的服务栈。');
    // An unkeyed typed error answers as it always did.
    expect(errorBody(new OpsdeckError('conflict', 'Stack alpha is busy.'))).toEqual({ error: 'Stack alpha is busy.' });
  });
});
