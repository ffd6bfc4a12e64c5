import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { reportedVersion } from './probe';

/** A real HTTP server on 127.0.0.1 answering `routes` with JSON, 404 elsewhere; counts requests. */
async function serve(routes: Record<string, unknown>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  servers.push(server);
  return { url, hits };
}
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('reportedVersion', () => {
  it('reads /api/version', async () => {
    const { url } = await serve({ '/api/version': { version: '1.1.0' } });
    expect(await reportedVersion(url)).toBe('1.1.0');
  });

  it("reads Memos' workspace profile, and asks only that path the next time", async () => {
    const { url, hits } = await serve({ '/api/v1/workspace/profile': { owner: 'users/1', version: '0.24.4', mode: 'prod' } });
    expect(await reportedVersion(url)).toBe('0.24.4');
    expect(hits).toEqual(['/api/version', '/api/v1/workspace/profile']);
    expect(await reportedVersion(url)).toBe('0.24.4');
    expect(hits.slice(2)).toEqual(['/api/v1/workspace/profile']);
  });

  it('null when no endpoint reports a version, or nothing listens', async () => {
    const { url, hits } = await serve({ '/api/version': { name: 'no version field' } });
    expect(await reportedVersion(url)).toBeNull();
    expect(hits).toHaveLength(3);
    const closed = await serve({});
    await new Promise((r) => servers.pop()!.close(r));
    expect(await reportedVersion(closed.url)).toBeNull();
  });
});
