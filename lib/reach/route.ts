/**
 * How Opsdeck reaches a port of a stack (its database, its app's health URL): straight over TCP
 * when the address works from where Opsdeck runs, else through the Docker Engine (a relay inside
 * the service's container, lib/docker/tunnel.ts). Opsdeck on the host with a published port goes
 * direct; Opsdeck in a container, on another host, or beside an engine in another network
 * namespace goes through the engine, the one path that works everywhere.
 *
 * OPSDECK_REACH=direct|engine forces one (auto by default). The choice is remembered for a short
 * while per address so a status poll does not pay for a refused connect each time.
 */
import net from 'node:net';

export type Route = 'direct' | 'engine';
const REMEMBER_MS = 30_000;
const memo = new Map<string, { route: Route; until: number }>();

export function reachMode(env: Readonly<Record<string, string | undefined>> = process.env): 'auto' | Route {
  const v = env.OPSDECK_REACH;
  return v === 'direct' || v === 'engine' ? v : 'auto';
}

/** Does a TCP connection to host:port open within `timeoutMs`? */
export function canConnect(host: string, port: number, timeoutMs = 800): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Direct when `direct` is given and answers; the engine when there is a way through it. With
 * neither, direct (its error is then the one worth showing). `published` says whether the service
 * publishes that address at all: when it does not, whatever answers there is something else (a
 * PostgreSQL of the host on 5432), so the engine is the way without trying.
 */
export async function chooseRoute(direct: { host: string; port: number } | null, viaEngine: boolean, published?: () => Promise<boolean | null>): Promise<Route> {
  const mode = reachMode();
  if (!direct) return 'engine';
  if (!viaEngine || mode === 'direct') return 'direct';
  if (mode === 'engine') return 'engine';
  const key = `${direct.host}:${direct.port}`;
  const known = memo.get(key);
  if (known && known.until > Date.now()) return known.route;
  const route: Route = (await published?.()) === false ? 'engine' : (await canConnect(direct.host, direct.port)) ? 'direct' : 'engine';
  memo.set(key, { route, until: Date.now() + REMEMBER_MS });
  return route;
}

/** After a failure on a remembered route: choose afresh next time. */
export function forgetRoute(direct: { host: string; port: number } | null): void {
  if (direct) memo.delete(`${direct.host}:${direct.port}`);
}
