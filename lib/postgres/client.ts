/**
 * The one way Opsdeck opens a PostgreSQL connection: straight to host:port when that answers from
 * here, else through the Docker Engine into the database's own container (lib/reach). Every client
 * gets an 'error' listener: a server dying mid-session emits 'error' on the client, and without a
 * listener that would crash the process.
 */
import pg from 'pg';
import { publishesPort } from '@/lib/docker/published-ports';
import { tunnelSocket } from '@/lib/docker/tunnel';
import { chooseRoute, type Route } from '@/lib/reach/route';
import type { DatabaseConnection } from '@/lib/stacks/database';
import type { Stack } from '@/lib/stacks/types';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export type PgClientOptions = Omit<pg.ClientConfig, 'host' | 'port' | 'user' | 'password' | 'database' | 'stream' | 'connectionString'>;

export interface OpenedClient {
  client: pg.Client;
  route: Route;
}

/** Which way a connection to `conn` goes (remembered briefly, so asking again costs no connect). */
export function routeFor(stack: Stack, conn: DatabaseConnection): Promise<Route> {
  const { via } = conn;
  const published = via && LOOPBACK.has(conn.host) ? () => publishesPort(stack, via.service, via.port, conn.port) : undefined;
  return chooseRoute({ host: conn.host, port: conn.port }, Boolean(via), published);
}

/** A connected client for `conn`; rejects (and cleans up) when the connection cannot be made. */
export async function openPgClient(stack: Stack, conn: DatabaseConnection, opts: PgClientOptions = {}): Promise<OpenedClient> {
  const route = await routeFor(stack, conn);
  const { via, ...login } = conn;
  const client = new pg.Client({
    ...opts,
    ...login,
    ...(route === 'engine' && via ? { host: via.host, port: via.port, stream: () => tunnelSocket(stack, via) } : {}),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return { client, route };
}

/** Runs `fn` with a connected client and always closes it. */
export async function withPgClient<T>(stack: Stack, conn: DatabaseConnection, opts: PgClientOptions, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const { client } = await openPgClient(stack, conn, opts);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where a connection goes, for messages: `user@host:port/db` or `… via the postgres container`. */
export function describeTarget(conn: DatabaseConnection, route: Route | null = null): string {
  if (route === 'engine' && conn.via) return `${conn.user}@${conn.via.service}:${conn.via.port}/${conn.database} (through the Docker Engine)`;
  return `${conn.user}@${conn.host}:${conn.port}/${conn.database}`;
}
