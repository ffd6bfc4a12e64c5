/**
 * The stack's PostgreSQL as the on-call engineer needs to see it: can we get in, how big, how
 * full, which schema the app left it at, what is stuck. One short-lived connection per check with
 * short timeouts; every failure becomes a "down" result in plain words (never an exception), and
 * the password is masked out of every message.
 */
import pg from 'pg';
import { isOpsdeckError } from '@/lib/errors';
import { redactSecrets } from '@/lib/secrets';
import { resolveDatabase, type DatabaseConnection } from '@/lib/stacks/database';
import { describeTarget, openPgClient, routeFor } from './client';
import type { Route } from '@/lib/reach/route';
import type { Stack } from '@/lib/stacks/types';

export interface LongQuery {
  pid: number;
  user: string | null;
  application: string | null;
  state: string | null;
  durationMs: number;
  /** First 300 characters, secrets of the env file masked. */
  query: string;
}

export type DatabaseStatus =
  | { state: 'none'; at: string; reason: string }
  | { state: 'down'; at: string; target: string | null; reason: string }
  | {
      state: 'up';
      at: string;
      target: string;
      latencyMs: number;
      serverVersion: string;
      database: string;
      sizeBytes: number;
      connections: { used: number; max: number; active: number; idleInTransaction: number };
      /** What the app's schemaVersionQuery returns, and Memos' BASIC.schemaVersion; `note` explains a missing one. */
      schema: { version: string | null; basic: string | null; note: string | null };
      /** pgvector: installed version, or whether it could be installed. */
      vector: { installed: string | null; available: string | null };
      longQueries: LongQuery[];
      thresholdMs: number;
    };

export interface CheckOptions {
  /** Queries running longer than this are listed (default 5 s). */
  slowQueryMs?: number;
  connectTimeoutMs?: number;
  /** Extra values to mask (the env file's secrets). The database password is always masked. */
  secrets?: string[];
}

const now = () => new Date().toISOString();

/** Why the connection or a query failed, in words an operator can act on. */
export function reasonOf(e: unknown, c: Pick<DatabaseConnection, 'host' | 'port' | 'user' | 'database' | 'via'>, timeoutMs: number, route: Route | null = null): string {
  const err = e as { code?: string; message?: string };
  // Through the engine, host:port was not what was tried: name the service's own address.
  const engine = route === 'engine' && c.via;
  const where = engine ? `${c.via!.service}:${c.via!.port} (through the Docker Engine)` : `${c.host}:${c.port}`;
  // The engine path fails in Opsdeck's own words first (the service is not running, Docker is down).
  if (engine && isOpsdeckError(e)) return e.message;
  switch (err?.code) {
    case 'ECONNREFUSED':
      return `Nothing listens on ${where}: PostgreSQL is not running, or listens on another port.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name ${c.host} does not resolve.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${c.host} is unreachable from this machine.`;
    case 'ECONNRESET':
      return `PostgreSQL at ${where} closed the connection (it may be restarting).`;
    case '28P01':
      return `PostgreSQL refused the password for user "${c.user}": the password in the env file does not match the database's.`;
    case '28000':
      return `PostgreSQL refused user "${c.user}" (${err.message ?? 'not allowed'}).`;
    case '3D000':
      return `The database "${c.database}" does not exist on ${where}.`;
    case '57P03':
      return `PostgreSQL at ${where} is starting up, shutting down or recovering; it does not accept connections yet.`;
    case '53300':
      return `PostgreSQL at ${where} has no free connection: max_connections is reached.`;
  }
  if (/timeout/i.test(err?.message ?? '')) return `No answer from PostgreSQL at ${where} within ${timeoutMs / 1000} s.`;
  return `PostgreSQL at ${where} could not be queried: ${err?.message ?? String(e)}`;
}

async function schemaOf(client: pg.Client, stack: Stack): Promise<{ version: string | null; basic: string | null; note: string | null }> {
  const query = stack.app?.schemaVersionQuery;
  let version: string | null = null;
  let basic: string | null = null;
  let note: string | null = query ? null : 'No schema version query is configured for this stack.';
  // The query comes from the config; a read-only transaction keeps it from changing anything.
  const readOnly = async <T>(sql: string): Promise<T | null> => {
    await client.query('BEGIN READ ONLY');
    try {
      const r = await client.query(sql);
      return (r.rows[0] ? Object.values(r.rows[0])[0] : null) as T | null;
    } finally {
      await client.query('ROLLBACK');
    }
  };
  try {
    if (query) {
      const v = await readOnly<unknown>(query);
      version = v === null || v === undefined ? null : String(v).slice(0, 60);
      if (version === null) note = 'The schema version query returned no row: the app has not recorded a version yet.';
    }
    if (stack.preset === 'memos') {
      // BASIC also holds Memos' secret key: only schemaVersion is read out of it, never the rest.
      const raw = await readOnly<string>("SELECT value FROM system_setting WHERE name = 'BASIC'");
      if (raw) {
        try {
          const parsed = JSON.parse(raw) as { schemaVersion?: unknown };
          basic = typeof parsed.schemaVersion === 'string' ? parsed.schemaVersion.slice(0, 60) : null;
        } catch {
          basic = null;
        }
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    note = code === '42P01' ? 'The app has not created its tables yet (empty database).' : `The schema version could not be read: ${(e as Error).message}`;
  }
  return { version, basic, note };
}

export async function checkDatabase(stack: Stack, opts: CheckOptions = {}): Promise<DatabaseStatus> {
  if (!stack.database) return { state: 'none', at: now(), reason: 'This stack has no database configured.' };
  const thresholdMs = opts.slowQueryMs ?? 5000;
  // The budget covers starting the relay beside the database when it is reached through the engine,
  // which takes seconds on a busy host; a database that is really down fails faster (refused).
  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  let conn: DatabaseConnection;
  try {
    conn = resolveDatabase(stack);
  } catch (e) {
    return { state: 'down', at: now(), target: null, reason: isOpsdeckError(e) ? e.message : 'The database settings cannot be read.' };
  }
  const secrets = [conn.password, ...(opts.secrets ?? [])];
  const mask = (s: string) => redactSecrets(s, secrets);
  const started = performance.now();
  let opened: Awaited<ReturnType<typeof openPgClient>> | null = null;
  try {
    opened = await openPgClient(stack, conn, {
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs + 2000,
      statement_timeout: timeoutMs + 1000,
      application_name: 'opsdeck-status',
    });
    const client = opened.client;
    const latencyMs = Math.round(performance.now() - started);
    const facts = await client.query<{ version: string; db: string; size: string; max: number; used: string; active: string; idle_tx: string }>(`
      SELECT current_setting('server_version') AS version, current_database() AS db,
             pg_database_size(current_database())::text AS size,
             current_setting('max_connections')::int AS max,
             count(*) FILTER (WHERE backend_type = 'client backend')::text AS used,
             count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active')::text AS active,
             count(*) FILTER (WHERE state LIKE 'idle in transaction%')::text AS idle_tx
      FROM pg_stat_activity`);
    const f = facts.rows[0];
    const slow = await client.query<{ pid: number; usename: string | null; application_name: string | null; state: string | null; ms: string; query: string | null }>(`
      SELECT pid, usename, application_name, state, (EXTRACT(EPOCH FROM now() - query_start) * 1000)::bigint::text AS ms, left(query, 300) AS query
      FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()
        AND query_start < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY query_start LIMIT 20`, [thresholdMs]);
    const vector = await client.query<{ installed: string | null; available: string | null }>(`
      SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS installed,
             (SELECT default_version FROM pg_available_extensions WHERE name = 'vector') AS available`);
    const schema = await schemaOf(client, stack);
    return {
      state: 'up',
      at: now(),
      target: describeTarget(conn, opened.route),
      latencyMs,
      serverVersion: f.version,
      database: f.db,
      sizeBytes: Number(f.size),
      connections: { used: Number(f.used), max: f.max, active: Number(f.active), idleInTransaction: Number(f.idle_tx) },
      schema: { ...schema, note: schema.note && mask(schema.note) },
      vector: vector.rows[0],
      longQueries: slow.rows.map((r) => ({
        pid: r.pid,
        user: r.usename,
        application: r.application_name,
        state: r.state,
        durationMs: Number(r.ms),
        query: mask(r.query ?? ''),
      })),
      thresholdMs,
    };
  } catch (e) {
    const route = opened?.route ?? (await routeFor(stack, conn).catch(() => null));
    return { state: 'down', at: now(), target: describeTarget(conn, route), reason: mask(reasonOf(e, conn, timeoutMs, route)) };
  } finally {
    await opened?.client.end().catch(() => undefined);
  }
}
