import { describe, expect, it } from 'vitest';
import { clientIpFrom, DIRECT, trustedProxyHops } from './client-ip';

describe('clientIpFrom', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted: a direct client can write anything there', () => {
    expect(clientIpFrom({ 'x-forwarded-for': '192.0.2.1' }, {})).toBe(DIRECT);
    expect(clientIpFrom(new Headers({ 'x-forwarded-for': '192.0.2.1' }), { OPSDECK_TRUST_PROXY: 'yes' })).toBe(DIRECT);
  });

  it('behind N trusted proxies takes the N-th entry from the right, never a client-written one', () => {
    const forged = { 'x-forwarded-for': '6.6.6.6, 203.0.113.5' }; // client sent 6.6.6.6, nginx appended the peer
    expect(clientIpFrom(forged, { OPSDECK_TRUST_PROXY: '1' })).toBe('203.0.113.5');
    expect(clientIpFrom(new Headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.2' }), { OPSDECK_TRUST_PROXY: '2' })).toBe('203.0.113.5');
    expect(clientIpFrom({ 'x-forwarded-for': ['::ffff:203.0.113.9'] }, { OPSDECK_TRUST_PROXY: '3' })).toBe('203.0.113.9');
    expect(clientIpFrom({}, { OPSDECK_TRUST_PROXY: '1' })).toBe(DIRECT);
  });

  it('reads OPSDECK_TRUST_PROXY as a small positive number', () => {
    expect(['', '0', '-1', 'true', '1.5'].map((v) => trustedProxyHops({ OPSDECK_TRUST_PROXY: v }))).toEqual([0, 0, 0, 0, 0]);
    expect(trustedProxyHops({ OPSDECK_TRUST_PROXY: ' 2 ' })).toBe(2);
  });
});
