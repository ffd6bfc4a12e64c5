/**
 * Server-wide queries on one connection kept open between calls, for Opsdeck's own frequent small
 * reads (the archive watch, every few seconds). Why: each `docker exec psql` into a database
 * container costs that container about 30 ms of CPU (runc joining its cgroup, psql starting, a
 * backend forking and warming its caches) and the engine about 70 ms more, measured on the demo
 * stack; under a one-CPU cap that comes out of the app's share. A kept connection costs a query.
 *
 * Rows come back as text, as pgServerQuery gives them (NULL as ""), so callers parse one format.
 * Any failure closes the connection and answers with pgServerQuery instead; the next call opens a
 * new one. Kept only on the `postgres` database: a connection on template1 (the maintenance database
 * when the app's own is `postgres`) would make CREATE DATABASE fail, so that case stays with psql.
 */
import type pg from 'pg';
import type { Stack } from '@/lib/stacks/types';
import { openPgClient } from './client';
import { maintenanceDb, pgServerQuery, type PgTools } from './tools';

interface Kept {
  key: string;
  client: Promise<pg.Client>;
}

const holder = globalThis as typeof globalThis & { __opsdeckKeptPg?: Map<string, Kept> };
const kept: Map<string, Kept> = (holder.__opsdeckKeptPg ??= new Map<string, Kept>());
const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

function open(stack: Stack, tools: PgTools, purpose: string): Promise<pg.Client> {
  const conn = { ...tools.conn, database: 'postgres' };
  // The login is part of the key: a password changed in the env file opens a new connection.
  const key = JSON.stringify([conn.host, conn.port, conn.user, conn.password, conn.via ?? null]);
  const name = `${stack.name}\0${purpose}`;
  const have = kept.get(name);
  if (have?.key === key) return have.client;
  if (have) void close(name);
  const client = openPgClient(stack, conn, { application_name: `opsdeck-${purpose}`, types: asText, connectionTimeoutMillis: 10_000, query_timeout: 10_000 }).then((o) => {
    // The server went away (restart, container recreated): forget it; the next call reconnects.
    o.client.on('end', () => kept.get(name)?.client === client && kept.delete(name));
    return o.client;
  });
  kept.set(name, { key, client });
  client.catch(() => kept.get(name)?.client === client && kept.delete(name));
  return client;
}

async function close(name: string): Promise<void> {
  const have = kept.get(name);
  if (!have) return;
  kept.delete(name);
  await have.client.then((c) => c.end(), () => undefined).catch(() => undefined);
}

/** pgServerQuery's answer, over the stack's kept connection for `purpose` when it can be used. */
export async function keptServerQuery(stack: Stack, tools: PgTools, purpose: string, sql: string): Promise<string[][]> {
  if (maintenanceDb(tools.conn.database) !== 'postgres') return pgServerQuery(tools, sql);
  try {
    const client = await open(stack, tools, purpose);
    const r = await client.query<unknown[]>({ text: sql, rowMode: 'array' });
    return r.rows.map((row) => row.map((v) => (v === null ? '' : String(v))));
  } catch {
    await close(`${stack.name}\0${purpose}`);
    return pgServerQuery(tools, sql);
  }
}

/** Closes the stack's kept connection for `purpose` (archiving switched off, say). */
export function closeKeptQuery(stack: Stack, purpose: string): Promise<void> {
  return close(`${stack.name}\0${purpose}`);
}
