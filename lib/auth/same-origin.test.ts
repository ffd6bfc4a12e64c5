import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from './same-origin';

const h = (o: Record<string, string>) => new Headers({ host: 'ops.internal:3000', ...o });
const env = { NEXTAUTH_URL: 'https://ops.example.com' };

describe('cross-site refusal for route handlers', () => {
  it('reads are never refused, whatever their origin', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expect(crossSiteRefusal(m, h({ origin: 'https://evil.example' }), env)).toBeNull();
  });

  it('a post from this host (direct, behind a proxy, or the configured URL) passes', () => {
    expect(crossSiteRefusal('POST', h({ origin: 'http://ops.internal:3000' }), env)).toBeNull();
    expect(crossSiteRefusal('POST', h({ origin: 'https://ops.example.com' }), env)).toBeNull();
    expect(crossSiteRefusal('DELETE', h({ origin: 'https://proxy.example', 'x-forwarded-host': 'proxy.example, inner' }), env)).toBeNull();
  });

  it('a post whose Origin is another site, another port, or "null" is refused', () => {
    for (const origin of ['https://evil.example', 'http://ops.internal:3001', 'null', 'https://ops.example.com.evil.example', 'garbage']) {
      expect(crossSiteRefusal('POST', h({ origin }), env)?.text, origin).toMatch(/another site/);
    }
  });

  it('without Origin, only a request with the custom header and not marked cross-site passes', () => {
    // A plain HTML form post from an old browser: no Origin, no custom header.
    expect(crossSiteRefusal('POST', h({ 'content-type': 'application/x-www-form-urlencoded' }), env)?.text).toMatch(/X-Opsdeck-Request/);
    expect(crossSiteRefusal('POST', h({ 'x-opsdeck-request': '1' }), env)).toBeNull();
    expect(crossSiteRefusal('POST', h({ 'x-opsdeck-request': '1', 'sec-fetch-site': 'cross-site' }), env)?.text).toMatch(/another site/);
    expect(crossSiteRefusal('POST', h({ 'x-opsdeck-request': '1', 'sec-fetch-site': 'same-site' }), env)?.text).toMatch(/another site/);
    expect(crossSiteRefusal('PUT', h({ 'x-opsdeck-request': '1', 'sec-fetch-site': 'same-origin' }), env)).toBeNull();
  });
});
