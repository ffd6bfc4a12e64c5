import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './callback-url';

describe('sign-in callbackUrl', () => {
  it('keeps a path on this site, with its query', () => {
    expect(safeCallbackPath('/stacks/demo/logs?service=app')).toBe('/stacks/demo/logs?service=app');
    expect(safeCallbackPath('/')).toBe('/');
  });

  it('anything that could leave the site becomes /', () => {
    for (const bad of ['/\\evil.com', '//evil.com', 'https://evil.com', '/\t/evil.com', '\\\\evil.com', 'javascript:alert(1)', '/%5Cevil.com/..', ' //evil.com', 'evil.com', '', undefined, ['/a', '/b'], '/signin?callbackUrl=/']) {
      const out = safeCallbackPath(bad as string);
      expect(new URL(out, 'https://ops.example').origin, String(bad)).toBe('https://ops.example');
      expect(out, String(bad)).toBe('/');
    }
  });
});
