import { describe, expect, it } from 'vitest';
import { pickLocale } from './locales';

describe('pickLocale', () => {
  it('prefers the cookie over the browser language', () => {
    expect(pickLocale('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN');
    expect(pickLocale('en', 'zh-CN,zh;q=0.9')).toBe('en');
  });
  it('follows Accept-Language by quality, mapping any Chinese to zh-CN', () => {
    expect(pickLocale(undefined, 'zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickLocale(undefined, 'en;q=0.5,zh;q=0.8')).toBe('zh-CN');
    expect(pickLocale(undefined, 'fr-FR,en-GB;q=0.7')).toBe('en');
  });
  it('falls back to English for a bad cookie or an unknown language', () => {
    expect(pickLocale('xx', 'de-DE')).toBe('en');
    expect(pickLocale(undefined, null)).toBe('en');
    expect(pickLocale(undefined, 'zh;q=0')).toBe('en');
  });
});
