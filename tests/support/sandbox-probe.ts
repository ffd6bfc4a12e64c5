/**
 * What the restore-sandbox tests look at around each hostile dump: the live database (tables, rows,
 * its settings), the cluster (roles and memberships, postgresql.auto.conf) and files in the database
 * container, plus the two ways to load a dump: the restore job, and the sandbox alone with the
 * import check turned off (so only psql and PostgreSQL stand in the way).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { pgTools } from '../../lib/backup';
import { createDatabaseLike, dropDatabase, tableCounts } from '../../lib/backup/databases';
import { explainFailure } from '../../lib/backup/failure';
import { writeManifest, type DumpFormat } from '../../lib/backup/manifest';
import { loadInSandbox } from '../../lib/backup/sandbox-load';
import type { OpsdeckError } from '../../lib/errors';
import type { EmitInput } from '../../lib/jobs/types';
import type { BackupEnv } from './backup-env';

const docker = new Docker();

/** Runs a command in the stack's postgres container: exit code and stdout. */
export async function inPostgres(env: BackupEnv, cmd: string[]): Promise<{ code: number; out: string }> {
  const [c] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${env.demo.projectName}`, 'com.docker.compose.service=postgres'] } });
  const exec = await docker.getContainer(c.Id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise((r) => { stream.on('data', (d: Buffer) => chunks.push(d)); stream.on('end', r); });
  // Multiplexed: 8-byte headers; only the text matters here.
  const out = Buffer.concat(chunks).toString('latin1').replace(/[\x00-\x08]/g, '');
  return { code: (await exec.inspect()).ExitCode ?? -1, out };
}

export interface World {
  databases: string[];
  roles: string[];
  memberships: string[];
  liveTables: string[];
  liveRows: string[];
  liveSettings: string[];
  autoConf: string;
  files: string[];
}

/** Everything a hostile dump could have changed outside its scratch database (one query, two execs: the machine may be loaded). */
export async function world(env: BackupEnv): Promise<World> {
  const [row] = await env.sql<{ w: Omit<World, 'autoConf' | 'files'> }>(`SELECT json_build_object(
    'databases', (SELECT json_agg(datname ORDER BY datname) FROM pg_database),
    'roles', (SELECT json_agg(rolname || CASE WHEN rolsuper THEN ' (superuser)' ELSE '' END ORDER BY rolname) FROM pg_roles),
    'memberships', (SELECT coalesce(json_agg(roleid::regrole || ' > ' || member::regrole ORDER BY 1), '[]') FROM pg_auth_members),
    'liveTables', (SELECT json_agg(schemaname || '.' || tablename || ' ' || tableowner ORDER BY 1) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')),
    'liveRows', (SELECT json_agg(content ORDER BY id) FROM memo),
    'liveSettings', (SELECT coalesce(json_agg(array_to_string(setconfig, ',')), '[]') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'memos')
  ) AS w`);
  const found = await inPostgres(env, ['find', '/tmp', '/var/lib/postgresql/data', '/var/lib/postgresql', '-maxdepth', '1', '-name', 'pwned*']);
  return {
    ...row.w,
    autoConf: (await inPostgres(env, ['cat', '/var/lib/postgresql/data/postgresql.auto.conf'])).out,
    files: found.out.split('\n').map((l) => l.trim()).filter(Boolean).sort(),
  };
}

/** A plain pg_dump of the live database with `hostile` put in before its first table. */
export async function plainDumpWith(env: BackupEnv, hostile: string): Promise<string> {
  const r = await pgTools(env.stack).run(['pg_dump', '--dbname=memos']);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  const at = r.stdout.indexOf('\nCREATE TABLE ');
  if (at === -1) throw new Error('no CREATE TABLE in the dump');
  return `${r.stdout.slice(0, at)}\n${hostile}\n${r.stdout.slice(at)}`;
}

/** A custom-format archive of a throwaway database built by `sql` (run as the stack's superuser). */
export async function archiveOf(env: BackupEnv, name: string, sql: string): Promise<string> {
  const db = `hostile_${name}`;
  await env.sql(`CREATE DATABASE ${db}`);
  try {
    await env.sql(sql, [], db);
    const file = path.join(env.dataDir, `${db}.dump`);
    const r = await pgTools(env.stack).run(['pg_dump', '-Fc', `--dbname=${db}`], { stdout: fs.createWriteStream(file) });
    if (r.exitCode !== 0) throw new Error(r.stderr);
    return file;
  } finally {
    await env.sql(`DROP DATABASE ${db} WITH (FORCE)`);
  }
}

/** Puts a dump file in the catalogue as if imported (the manifest says verified: a copied folder can say so). */
export function catalogue(env: BackupEnv, name: string, file: string, format: DumpFormat): string {
  const id = `demo-20240301-0200${String(counter++).padStart(2, '0')}-imported`;
  const ext = format === 'custom' ? '.dump' : '.sql';
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(path.join(env.stack.backupDir, `${id}${ext}`), bytes);
  const at = '2024-03-01T02:00:00.000Z';
  writeManifest(env.stack.backupDir, {
    format: 'opsdeck-backup/1', id, file: `${id}${ext}`, dumpFormat: format, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length,
    stack: 'demo', database: null, postgresVersion: null, schemaVersion: null, appVersion: null, startedAt: at, finishedAt: at, durationMs: 0,
    createdBy: 'test', reason: 'imported', jobId: null, verified: { ok: true, at, method: 'forged' }, testRestore: null, importedFrom: name,
  });
  return id;
}
let counter = 10;

/**
 * Loads `file` through the sandbox alone (no import check), into a scratch database dropped again
 * afterwards; `inspect` looks at the scratch database after a load that succeeded.
 */
export async function sandboxOnly(env: BackupEnv, file: string, format: DumpFormat, inspect?: (scratch: string) => Promise<void>): Promise<{ error: OpsdeckError | null; log: string[] }> {
  const tools = pgTools(env.stack);
  const id = `t${counter++}`;
  const scratch = `memos__restore_${id}`;
  const log: string[] = [];
  const ctx = { id, stack: 'demo', emit: (e: EmitInput) => void ('text' in e && log.push(e.text ?? '')), remember: () => undefined, forget: () => undefined, signal: new AbortController().signal };
  await createDatabaseLike(tools, scratch, 'memos');
  try {
    await loadInSandbox(tools, { file, format, scratch, onBytes: () => undefined, lint: false }, ctx, (as) => tableCounts(tools, scratch, as));
    await inspect?.(scratch);
    return { error: null, log };
  } catch (e) {
    return { error: explainFailure(e, { stack: env.stack, tools }), log };
  } finally {
    await dropDatabase(tools, scratch);
  }
}
