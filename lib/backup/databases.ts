/**
 * Database-level work around a restore: scratch databases next to the live one, the swap by
 * renaming (one transaction: both renames happen or neither), databases kept after a restore.
 * Names Opsdeck makes: `<db>__restore_<job>`, `<db>__verify_<job>`, `<db>__kept_<UTC stamp>_<job>`.
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { FIELD, maintenanceDb, PgCommandError, pgQuery, pgScript, quoteIdent, quoteLiteral, type PgLogin, type PgTools } from '@/lib/postgres/tools';

const MAX_IDENT = 63;

function withSuffix(db: string, suffix: string): string {
  // PostgreSQL cuts identifiers at 63 bytes; cut the base instead so the suffix (what we match on) survives.
  let base = db;
  while (Buffer.byteLength(base + suffix) > MAX_IDENT) base = base.slice(0, -1);
  return base + suffix;
}

export const scratchName = (db: string, purpose: 'restore' | 'verify', jobId: string) => withSuffix(db, `__${purpose}_${jobId}`);

/**
 * The name the replaced database is kept under. The stamp (seconds) is for people; the job id makes
 * it unique: a restore and its undo within one second must not collide.
 */
export function keptName(db: string, jobId: string, at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return withSuffix(db, `__kept_${stamp}_${jobId.replace(/[^A-Za-z0-9]/g, '')}`);
}

/** `…__kept_20261204_143404` (before job ids) or `…__kept_20261204_143404_42` → its time. */
const KEPT_STAMP = /__kept_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_[A-Za-z0-9]+)?$/;

/** Where admin SQL connects (never the database being renamed or dropped): lib/postgres's. */
export { maintenanceDb };

export async function databaseExists(tools: PgTools, name: string): Promise<boolean> {
  const rows = await pgQuery(tools, maintenanceDb(tools.conn.database), `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(name)}`);
  return rows.length > 0;
}

/** Server version and size of the stack's database, in one round trip. */
export async function versionAndSize(tools: PgTools): Promise<{ version: string; size: number }> {
  const [row] = await pgQuery(tools, tools.conn.database, "SELECT current_setting('server_version'), pg_database_size(current_database())");
  return { version: row?.[0]?.split(' ')[0] ?? 'unknown', size: Number(row?.[1] ?? 0) };
}

/**
 * A new, empty database with the live one's encoding and locale (template0: nothing inherited from
 * template1), replacing any leftover of the same name. One round trip: \gexec runs the built command.
 */
export async function createDatabaseLike(tools: PgTools, name: string, like: string): Promise<void> {
  if (name === tools.conn.database) throw new OpsdeckError('internal', say('errors.backup.refuseRecreateLive'));
  await pgScript(tools, maintenanceDb(tools.conn.database), [
    `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE);`,
    `SELECT format('CREATE DATABASE %I TEMPLATE template0 ENCODING %L LC_COLLATE %L LC_CTYPE %L', ${quoteLiteral(name)}, pg_encoding_to_char(encoding), datcollate, datctype)`,
    `  FROM pg_database WHERE datname = ${quoteLiteral(like)} \\gexec`,
    '',
  ].join('\n'));
}

/** Drops a database even if something is still connected (a pg_restore left running by a crash). */
export async function dropDatabase(tools: PgTools, name: string): Promise<void> {
  if (name === tools.conn.database) throw new OpsdeckError('internal', say('errors.backup.refuseDropLive'));
  await pgQuery(tools, maintenanceDb(tools.conn.database), `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/**
 * Renames databases in one transaction, after closing every other session on them (the app is
 * stopped by then; this catches a psql left open). Either all renames happen or none.
 */
export async function renameDatabases(tools: PgTools, renames: [from: string, to: string][]): Promise<void> {
  const names = renames.map(([from]) => quoteLiteral(from)).join(', ');
  // Terminated sessions take a moment to go away (the snapshot of pg_stat_activity must be cleared
  // to see it); ALTER DATABASE refuses while any remains. All of it in one round trip.
  const script = [
    `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname IN (${names}) AND pid <> pg_backend_pid();`,
    'DO $$ BEGIN FOR i IN 1..200 LOOP PERFORM pg_stat_clear_snapshot();',
    `  EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname IN (${names})); PERFORM pg_sleep(0.05); END LOOP; END $$;`,
    'BEGIN;',
    ...renames.map(([from, to]) => `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)};`),
    'COMMIT;',
    '',
  ].join('\n');
  for (let attempt = 1; ; attempt++) {
    try {
      await pgScript(tools, maintenanceDb(tools.conn.database), script);
      return;
    } catch (e) {
      // A client reconnecting in the window between the wait and the rename: terminate it again.
      if (attempt >= 3 || !/being accessed by other users/.test(String((e as Error).message))) throw e;
    }
  }
}

export interface KeptDatabase {
  name: string;
  sizeBytes: number;
  /** When it stopped being live (from its name). */
  keptAt: string;
}

/**
 * Whether `name` is a kept database of `db`: `<db>__kept_<stamp>[_<job>]`, the base cut short only
 * when the whole name reached PostgreSQL's 63-byte limit (withSuffix).
 */
export function isKeptOf(db: string, name: string): boolean {
  if (!KEPT_STAMP.test(name)) return false;
  const base = name.slice(0, name.lastIndexOf('__kept_'));
  return base === db || (base.length > 0 && db.startsWith(base) && Buffer.byteLength(name) > MAX_IDENT - 4);
}

/** Databases kept by earlier restores of this stack's database, newest first. */
export async function listKeptDatabases(tools: PgTools): Promise<KeptDatabase[]> {
  const db = tools.conn.database;
  const rows = await pgQuery(tools, maintenanceDb(db), "SELECT datname, pg_database_size(datname) FROM pg_database WHERE datname LIKE '%\\_\\_kept\\_%'");
  const job = (name: string) => Number(/__kept_\d{8}_\d{6}_(\d+)$/.exec(name)?.[1] ?? 0);
  return rows
    .filter(([name]) => isKeptOf(db, name))
    .map(([name, size]) => {
      const m = KEPT_STAMP.exec(name)!;
      return { name, sizeBytes: Number(size), keptAt: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` };
    })
    .sort((a, b) => b.keptAt.localeCompare(a.keptAt) || job(b.name) - job(a.name));
}

/** Exact row count of every user table, "schema.table" → rows. */
export async function tableCounts(tools: PgTools, database: string, as?: PgLogin): Promise<Record<string, number>> {
  const tables = await pgQuery(
    tools,
    database,
    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename), schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 2",
    { as },
  );
  if (tables.length === 0) return {};
  const sql = tables.map(([q, name]) => `SELECT ${quoteLiteral(name)}, count(*) FROM ${q}`).join(' UNION ALL ');
  const rows = await pgQuery(tools, database, sql, { as });
  return Object.fromEntries(rows.map(([name, n]) => [name, Number(n)]));
}

/**
 * What the check after a restore needs, in one psql run (it sits on the restore's critical path):
 * the number of user tables (none: nothing was restored) and the app's schema version (null when
 * its query has no answer: no such table, no row). psql prints each `-c` result on its own lines and
 * stops at the first error, so a schema query that fails still leaves the count on the first line.
 */
export async function inspectRestored(tools: PgTools, database: string, schemaQuery: string | undefined, as?: PgLogin): Promise<{ tables: number; schema: string | null }> {
  const count = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')";
  const r = await tools.run(['psql', '-X', '-q', '-A', '-t', '-F', FIELD, '-v', 'ON_ERROR_STOP=1', `--dbname=${database}`, '-c', count, ...(schemaQuery ? ['-c', schemaQuery] : [])], { as });
  const [first, second] = r.stdout.split('\n');
  if (!/^\d+$/.test(first ?? '')) throw new PgCommandError('psql', r.exitCode, r.stderr);
  return { tables: Number(first), schema: (r.exitCode === 0 && second?.split(FIELD)[0]) || null };
}

/** The app's schema version in `database`, or null when the query has no answer (no table, no row). */
export async function readSchemaVersion(tools: PgTools, database: string, query: string | undefined): Promise<string | null> {
  if (!query) return null;
  try {
    const rows = await pgQuery(tools, database, query);
    return rows[0]?.[0] || null;
  } catch {
    return null;
  }
}
