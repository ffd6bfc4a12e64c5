/**
 * The restore sandbox: every load of a dump (plain or custom) logs in as a role made for that one
 * load — no superuser, no CREATEDB/CREATEROLE, no membership in any role (so none of
 * pg_read_server_files, pg_write_server_files, pg_execute_server_program, nor the stack's own
 * role), owning only the scratch database. PostgreSQL's own permission checks then refuse what a
 * hostile dump could try outside that database: COPY … PROGRAM or from/to server files, large
 * objects from server files, untrusted languages (C), ALTER SYSTEM, roles, SET ROLE / SESSION
 * AUTHORIZATION to another role, other databases.
 *
 * Extensions a role like that may not create (not "trusted") are created beforehand by the stack's
 * user, from an allow-list, when the dump names them. After the load and its check, everything the
 * role owns is handed to the stack's user (REASSIGN OWNED, run by the stack's user: the restore role
 * never becomes a member of the stack's role) and the role is dropped.
 */
import crypto from 'node:crypto';
import { maintenanceDb } from './databases';
import { during, pgScript, quoteIdent, quoteLiteral, type PgLogin, type PgTools } from '@/lib/postgres/tools';

/** Extensions Opsdeck creates for a restore when the dump uses them (only those not trusted need it). */
export const EXTENSION_ALLOW_LIST = [
  'vector', 'pg_trgm', 'uuid-ossp', 'pgcrypto', 'citext', 'hstore', 'unaccent', 'fuzzystrmatch', 'btree_gin', 'btree_gist',
  'intarray', 'ltree', 'cube', 'earthdistance', 'tablefunc', 'pg_stat_statements', 'postgis',
];

/** Role names Opsdeck makes; the recovery and the tests look for this prefix. */
export const RESTORE_ROLE_PREFIX = 'opsdeck_restore_';

/** Unique per load: the job id, and random bytes against a job id seen twice (a store reset). */
export const restoreRoleName = (jobId: string) => `${RESTORE_ROLE_PREFIX}${jobId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}_${crypto.randomBytes(4).toString('hex')}`;

/**
 * A SCRAM-SHA-256 verifier (RFC 5802/7677, as PostgreSQL stores it): the role's clear password never
 * reaches the server, its logs or pg_stat_activity.
 */
export function scramVerifier(password: string, salt: Buffer = crypto.randomBytes(16), iterations = 4096): string {
  const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => crypto.createHmac('sha256', key).update(text).digest();
  const storedKey = crypto.createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Creates the allow-listed extensions of `wanted` that a role without superuser could not create
 * itself, as the stack's user, in the still empty scratch database; returns every extension the
 * scratch database then has (their COMMENT ON EXTENSION is left out of the load: only the owner may).
 * Trusted ones (pg_trgm, pgcrypto …) are left to the dump: PostgreSQL lets the restore role create them.
 */
export async function prepareExtensions(tools: PgTools, scratch: string, wanted: string[]): Promise<{ created: string[]; present: string[] }> {
  const names = wanted.filter((n) => EXTENSION_ALLOW_LIST.includes(n));
  const list = `ARRAY[${names.map(quoteLiteral).join(', ') || "''"}]::text[]`;
  // `trusted` exists from PostgreSQL 13 on; read through jsonb so an older server still answers (false).
  const out = await during('sandbox', pgScript(tools, scratch, [
    `SELECT format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA public', a.name) FROM pg_available_extensions a`,
    `  WHERE a.name = ANY(${list}) AND a.installed_version IS NULL AND NOT EXISTS (SELECT 1 FROM pg_available_extension_versions v`,
    `    WHERE v.name = a.name AND v.version = a.default_version AND coalesce((to_jsonb(v) ->> 'trusted')::boolean, false)) \\gexec`,
    `SELECT 'present:' || string_agg(extname, ',' ORDER BY extname) FROM pg_extension;`,
    '',
  ].join('\n')));
  const present = /present:([^\n]*)/.exec(out)?.[1]?.split(',').filter(Boolean) ?? [];
  return { created: names.filter((n) => present.includes(n) && n !== 'plpgsql'), present };
}

/** Creates the role and hands it the (empty) scratch database: its only possession. */
export async function createRestoreRole(tools: PgTools, scratch: string, name: string): Promise<PgLogin> {
  const password = crypto.randomBytes(24).toString('base64url');
  const role = quoteIdent(name);
  // If Opsdeck dies and the cleanup never runs, the password stops working a week later anyway.
  const until = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  await during('sandbox', pgScript(tools, maintenanceDb(tools.conn.database), [
    `CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 4`,
    `  VALID UNTIL ${quoteLiteral(until)} PASSWORD ${quoteLiteral(scramVerifier(password))};`,
    // INHERIT (the default) on purpose: the database owner's rights on schema public come through
    // the implicit pg_database_owner membership. The role has no other membership to inherit.
    // A stack user that is not a superuser (CREATEROLE) must be a member of the new role to give it
    // the database and take its objects back. That way round only: the restore role gains nothing.
    `SELECT format('GRANT %I TO %I', ${quoteLiteral(name)}, current_user) WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) \\gexec`,
    `ALTER DATABASE ${quoteIdent(scratch)} OWNER TO ${role};`,
    '',
  ].join('\n')));
  return { user: name, password };
}

/**
 * After a good load: database-level settings the role may have put on its database are reset (a
 * pg_dump without --create writes none), then, in the scratch database, everything the role owns
 * becomes the stack's user's and nothing granted to it remains. Runs no code of the dump.
 */
export async function handOver(tools: PgTools, scratch: string, name: string): Promise<void> {
  const db = quoteIdent(scratch);
  await during('hand-over', pgScript(tools, maintenanceDb(tools.conn.database), [
    `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = ${quoteLiteral(name)};`,
    `ALTER DATABASE ${db} RESET ALL;`,
    `ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true CONNECTION LIMIT -1 IS_TEMPLATE false;`,
    '',
  ].join('\n')));
  await during('hand-over', pgScript(tools, scratch, `REASSIGN OWNED BY ${quoteIdent(name)} TO CURRENT_USER;\nDROP OWNED BY ${quoteIdent(name)};\n`));
}

/** Drops the role (its sessions ended first). It must own nothing by then: the scratch database is handed over or dropped. */
export async function dropRestoreRole(tools: PgTools, name: string): Promise<void> {
  await during('sandbox', pgScript(tools, maintenanceDb(tools.conn.database), [
    `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = ${quoteLiteral(name)};`,
    `DROP ROLE IF EXISTS ${quoteIdent(name)};`,
    '',
  ].join('\n')));
}
