import { describe, expect, it } from 'vitest';
import { isSecretKey, maskEnv, maskSecret, redactSecrets } from './secrets';

describe('maskSecret', () => {
  it('keeps the last four characters of long secrets', () => {
    expect(maskSecret('sk-abcdefgh1234')).toBe('••••1234');
    expect(maskSecret('12345678')).toBe('••••5678');
  });

  it('masks short secrets entirely, with a fixed width that hides their length', () => {
    expect(maskSecret('1234567')).toBe('••••');
    expect(maskSecret('ab')).toBe('••••');
    expect(maskSecret('')).toBe('');
  });

  it('does not split characters outside the BMP', () => {
    expect(maskSecret('pässwörd🔑🔑')).toBe('••••rd🔑🔑');
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    const text = 'login with hunter2hunter2, again hunter2hunter2; token=abcd1234efgh';
    expect(redactSecrets(text, ['hunter2hunter2', 'abcd1234efgh'])).toBe(
      'login with ••••ter2, again ••••ter2; token=••••efgh',
    );
  });

  it('ignores trivial secrets shorter than 4 characters', () => {
    expect(redactSecrets('a b abc', ['a', 'abc', ''])).toBe('a b abc');
  });

  it('treats regex metacharacters literally', () => {
    expect(redactSecrets('pw is a.b*c+d? ok, axbxc no', ['a.b*c+d?'])).toBe('pw is ••••c+d? ok, axbxc no');
  });

  it('prefers the longest secret and never re-matches a mask', () => {
    // "ter2" is both a short secret and the visible tail of the long one's mask.
    expect(redactSecrets('hunter2hunter2 ter2', ['ter2', 'hunter2hunter2'])).toBe('••••ter2 ••••');
  });

  it('redacts the URL-encoded form used inside DSNs', () => {
    const dsn = 'postgres://memos:p%40ss%2Fw0rd!@postgres:5432/memos';
    expect(redactSecrets(dsn, ['p@ss/w0rd!'])).toBe('postgres://memos:••••0rd!@postgres:5432/memos');
  });
});

describe('isSecretKey', () => {
  it.each([
    'POSTGRES_PASSWORD', 'MEMOS_AI_OPENAI_API_KEY', 'MEMOS_AI_SILICONFLOW_API_KEY', 'GITHUB_TOKEN', 'NEXTAUTH_SECRET',
    'MEMOS_DSN', 'SSH_PRIVATE_KEY', 'SIGNING_KEY', 'DATABASE_URL', 'db_password', 'AWS_SECRET_ACCESS_KEY', 'APIKEY',
  ])('%s is secret', (name) => expect(isSecretKey(name)).toBe(true));

  it.each(['POSTGRES_USER', 'POSTGRES_DB', 'MEMOS_PORT', 'MEMOS_AI_LLM_MODEL', 'MEMOS_AI_OPENAI_BASE_URL', 'TZ', 'KEYBOARD', 'MEMOS_DSN_FILE', 'POSTGRES_PASSWORD_FILE'])(
    '%s is not secret',
    (name) => expect(isSecretKey(name)).toBe(false),
  );
});

describe('maskEnv', () => {
  it('masks secret keys and scrubs their values from other keys', () => {
    const env = new Map([
      ['POSTGRES_USER', 'memos'],
      ['POSTGRES_PASSWORD', 'correct-horse-battery'],
      ['COPY_OF_PW', 'prefix-correct-horse-battery'],
      ['MEMOS_AI_DEEPSEEK_API_KEY', 'sk-0123456789abcdef'],
      ['SHORT_TOKEN', 'abc'],
      ['EMPTY_SECRET', ''],
    ]);
    expect(maskEnv(env)).toEqual([
      { key: 'POSTGRES_USER', value: 'memos', masked: false },
      { key: 'POSTGRES_PASSWORD', value: '••••tery', masked: true },
      { key: 'COPY_OF_PW', value: 'prefix-••••tery', masked: true },
      { key: 'MEMOS_AI_DEEPSEEK_API_KEY', value: '••••cdef', masked: true },
      { key: 'SHORT_TOKEN', value: '••••', masked: true },
      { key: 'EMPTY_SECRET', value: '', masked: false },
    ]);
  });

  it('masks passwords embedded in URLs under innocent names, and accepts plain objects', () => {
    expect(maskEnv({ REDIS_ADDRESS: 'redis://default:s3cretpassw0rd@redis:6379/0', HOME_URL: 'http://example.com/a:b@c' })).toEqual([
      { key: 'REDIS_ADDRESS', value: 'redis://default:••••w0rd@redis:6379/0', masked: true },
      { key: 'HOME_URL', value: 'http://example.com/a:b@c', masked: false },
    ]);
  });
});
