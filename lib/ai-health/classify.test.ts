import { describe, expect, it } from 'vitest';
import { classifyError, classifyHttp, parseResetTime, providerMessage, scrub } from './classify';

const KEY = 'sk-live-4b1e8c0d2a7f9e6d';
const ctx = { url: 'https://api.example.test/v1/models', timeoutMs: 10_000, secrets: [KEY] };

// Errors shaped exactly as Node's fetch (undici) throws them: TypeError('fetch failed') with the
// system error as `cause` (an AggregateError when several addresses were tried).
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
const sysError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it('names DNS failures with the host', () => {
    const c = classifyError(fetchFailed(sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.example.test')), ctx);
    expect(c).toEqual({ kind: 'dns', message: 'DNS lookup failed for api.example.test (host name not found)' });
    expect(classifyError(fetchFailed(sysError('EAI_AGAIN')), ctx).kind).toBe('dns');
  });

  it('finds a refused connection inside an AggregateError', () => {
    const agg = Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], ''), { code: undefined });
    const c = classifyError(fetchFailed(agg), ctx);
    expect(c.kind).toBe('refused');
    expect(c.message).toContain('connection refused by api.example.test');
  });

  it('names timeouts from AbortSignal.timeout with the limit', () => {
    const c = classifyError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), ctx);
    expect(c).toEqual({ kind: 'timeout', message: 'no reply from api.example.test within 10 s (timeout)' });
  });

  it('names TLS failures by their code', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO']) {
      const c = classifyError(fetchFailed(sysError(code)), ctx);
      expect(c.kind, code).toBe('tls');
      expect(c.message).toContain(code);
    }
  });

  it('names a dropped connection', () => {
    expect(classifyError(fetchFailed(sysError('UND_ERR_SOCKET', 'other side closed')), ctx).kind).toBe('connection');
    expect(classifyError(fetchFailed(sysError('ECONNRESET')), ctx).kind).toBe('connection');
  });

  it('never lets the key through, even when the error text carries it', () => {
    const c = classifyError(fetchFailed(new Error(`weird failure for ${KEY}`)), ctx);
    expect(c.kind).toBe('connection');
    expect(c.message).not.toContain(KEY);
  });
});

describe('classifyHttp', () => {
  const h = (init: Record<string, string> = {}) => new Headers(init);

  it('401 and 403 are a bad key, and the echoed key is scrubbed', () => {
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } });
    const c = classifyHttp(401, h(), body, { secrets: [KEY] });
    expect(c.kind).toBe('auth');
    expect(c.message).toMatch(/^HTTP 401: invalid API key/);
    expect(c.message).not.toContain(KEY);
    expect(c.message).toContain('••••9e6d');
    // A key we were not given (another tenant's, a rotated one) is still cut to its prefix.
    expect(classifyHttp(403, h(), '{"error":{"message":"key sk-other-abcdef123456 revoked"}}', { secrets: [] }).message).not.toContain('abcdef123456');
  });

  it('429 is a rate limit with the reset time from the headers', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    const c = classifyHttp(429, h({ 'retry-after': '20' }), '{"error":{"message":"Rate limit reached"}}', { secrets: [], now });
    expect(c.kind).toBe('rate_limit');
    expect(c.resetAt).toBe(now + 20_000);
    expect(c.message).toContain('resets 2026-01-01 10:00:20 UTC');
    expect(classifyHttp(429, h(), '', { secrets: [] }).message).toContain('no reset time sent');
  });

  it('402, and a 429 about quota, are quota problems', () => {
    expect(classifyHttp(402, h(), '{"code":30001,"message":"Sorry, your account balance is insufficient"}', { secrets: [] }).kind).toBe('quota');
    const openAiQuota = '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota"}}';
    expect(classifyHttp(429, h(), openAiQuota, { secrets: [] }).kind).toBe('quota');
  });

  it('404, or a 400 saying so, is an unknown model', () => {
    const c = classifyHttp(404, h(), '{"error":{"message":"The model `gpt-9` does not exist","code":"model_not_found"}}', { model: 'gpt-9', secrets: [] });
    expect(c).toMatchObject({ kind: 'model_not_found' });
    expect(c.message).toContain('unknown model "gpt-9"');
    const sf = classifyHttp(400, h(), '{"code":20012,"message":"Model does not exist. Please check it carefully."}', { model: 'x/y', secrets: [] });
    expect(sf.kind).toBe('model_not_found');
    // A 404 on the model list itself points at the base URL instead.
    expect(classifyHttp(404, h(), 'Not Found', { secrets: [] }).message).toContain('check the base URL');
  });

  it('5xx is a provider error; other codes keep the provider words', () => {
    expect(classifyHttp(503, h(), '<html><body>Service Unavailable</body></html>', { secrets: [] })).toEqual({
      kind: 'server_error',
      message: 'HTTP 503: provider error: Service Unavailable',
    });
    expect(classifyHttp(418, h(), '{"error":{"message":"teapot"}}', { secrets: [] })).toEqual({ kind: 'http', message: 'HTTP 418: teapot' });
    expect(classifyHttp(302, h({ location: 'https://login.example.test/' }), '', { secrets: [] }).message).toContain('redirected to https://login.example.test/');
  });
});

describe('parseResetTime', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  it('reads Retry-After seconds and HTTP dates', () => {
    expect(parseResetTime(new Headers({ 'retry-after': '7' }), now)).toBe(now + 7000);
    expect(parseResetTime(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 10:05:00 GMT' }), now)).toBe(now + 300_000);
  });
  it('reads OpenAI durations, epoch and relative resets, and takes the latest', () => {
    expect(parseResetTime(new Headers({ 'x-ratelimit-reset-requests': '1m30s' }), now)).toBe(now + 90_000);
    expect(parseResetTime(new Headers({ 'x-ratelimit-reset-tokens': '250ms' }), now)).toBe(now + 250);
    expect(parseResetTime(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 60) }), now)).toBe(now + 60_000);
    expect(parseResetTime(new Headers({ 'ratelimit-reset': '5', 'retry-after': '2' }), now)).toBe(now + 5000);
  });
  it('is undefined without a usable header', () => {
    expect(parseResetTime(new Headers({ 'x-ratelimit-reset-requests': 'soon' }), now)).toBeUndefined();
    expect(parseResetTime(new Headers(), now)).toBeUndefined();
  });
});

describe('providerMessage and scrub', () => {
  it('reads the OpenAI, SiliconFlow and Ollama error shapes', () => {
    expect(providerMessage('{"error":{"message":"m","code":"c"}}')).toEqual({ message: 'm', code: 'c' });
    expect(providerMessage('{"code":20012,"message":"Model does not exist"}')).toEqual({ message: 'Model does not exist', code: '20012' });
    expect(providerMessage('{"error":"model \\"x\\" not found"}')).toEqual({ message: 'model "x" not found' });
  });
  it('masks known secrets and key-shaped tokens', () => {
    expect(scrub(`Bearer ${KEY} and sk-abcdefghijkl`, [KEY])).toBe('Bearer ••••9e6d and sk-••••');
  });
});
