/**
 * An HTTP request to one of a stack's services (its health URL, its version endpoint), made where
 * it can be: straight from here when the URL answers, else through the Docker Engine from inside
 * the service's container (lib/docker/tunnel.ts). Returns a standard Response either way, so
 * callers read it as they would a fetch.
 */
import http from 'node:http';
import { containerPortFor, publishesPort } from '@/lib/docker/published-ports';
import { tunnelSocket } from '@/lib/docker/tunnel';
import type { Stack } from '@/lib/stacks/types';
import { chooseRoute, forgetRoute } from './route';

export interface StackFetchInit {
  /** The service that serves the URL (its container makes the request on the engine path). */
  service?: string;
  timeoutMs: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

const MAX_BODY = 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function viaEngine(stack: Stack, service: string, url: URL, containerPort: number, init: StackFetchInit): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method: init.method ?? 'GET',
        host: '127.0.0.1',
        port: containerPort,
        path: `${url.pathname}${url.search}`,
        headers: { ...init.headers, host: url.host, connection: 'close' },
        createConnection: () => tunnelSocket(stack, { service, host: '127.0.0.1', port: containerPort }).connect() as never,
        timeout: init.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.once('end', () => {
          const headers = new Headers();
          // Repeated headers (set-cookie) arrive as arrays: each value kept, as fetch keeps them.
          for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) headers.append(k, one);
          const status = res.statusCode ?? 502;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
        res.once('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), init.timeoutMs);
    req.once('close', () => clearTimeout(timer));
    req.once('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

/**
 * GET (or `init.method`) `url` of a stack's service. Loopback URLs are what an operator writes for
 * a published port; when that does not answer here, the same port is asked from inside the
 * service's container. Other hosts are asked directly only.
 */
export async function stackFetch(stack: Stack, rawUrl: string, init: StackFetchInit): Promise<Response> {
  const url = new URL(rawUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const service = init.service ?? stack.app?.service;
  const engineOk = Boolean(service) && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  const direct = { host: url.hostname.replace(/^\[|\]$/g, ''), port };
  const route = await chooseRoute(direct, engineOk, engineOk ? () => publishesPort(stack, service!, null, port) : undefined);
  if (route === 'direct') {
    return fetch(url, {
      method: init.method ?? 'GET', headers: init.headers, body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs), redirect: 'manual', cache: 'no-store',
    });
  }
  try {
    const containerPort = await containerPortFor(stack, service!, port);
    return await viaEngine(stack, service!, url, containerPort, init);
  } catch (e) {
    forgetRoute(direct);
    throw e;
  }
}
