/**
 * Running PostgreSQL's client tools for a stack. A stack whose database is a compose service gets
 * them inside that container through a Docker exec (same major version as the server, no client
 * needed on the host); an external database (a DSN, a managed cloud database) gets the host's
 * tools. Either way: argument arrays, credentials in the environment only, stdout streamed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { execInService, runBesideService, type ContainerFile } from '@/lib/docker';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { childEnv } from '@/lib/child-env';
import { redactSecrets } from '@/lib/secrets';
import { readSecretVar, readStackEnv, resolveDatabase, type DatabaseConnection } from '@/lib/stacks';
import type { Stack } from '@/lib/stacks/types';

/** Another PostgreSQL login than the stack's own (the restore role of restore-role.ts). */
export interface PgLogin {
  user: string;
  password: string;
}

export interface PgRunOptions {
  stdin?: Readable;
  stdout?: Writable;
  signal?: AbortSignal;
  /** Log in as this role instead of the stack's user; its password is masked like the stack's. */
  as?: PgLogin;
  /** Small files the tool reads (pg_restore -L), at the same absolute path wherever it runs; removed afterwards. */
  files?: ContainerFile[];
}

export interface PgRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface PgTools {
  mode: 'container' | 'host';
  /** "the postgres container" / "the host's PostgreSQL tools": for messages. */
  where: string;
  conn: DatabaseConnection;
  /** The env-file variable the password came from (for "check X" messages). */
  passwordVar: string;
  run(cmd: string[], opts?: PgRunOptions): Promise<PgRunResult>;
  /**
   * A bulk load (pg_restore, psql of a dump) fed from `feed()`, called afresh if the load has to be
   * started again another way. For a compose database it runs beside the database container
   * (lib/docker/beside.ts) when the server listens on 127.0.0.1 and lets the stack's user log in
   * there; otherwise, like `run`, inside it. `via` says which.
   */
  runBulk(cmd: string[], feed: () => Readable, opts?: Omit<PgRunOptions, 'stdin'>): Promise<PgRunResult & { via: string }>;
}

/** pg_restore/psql could not log in over TCP: nothing was loaded yet, so the exec way may start over. */
const NO_TCP_LOGIN = /connection to server at "127\.0\.0\.1".* failed|could not connect to server|no pg_hba\.conf entry/;
/** listen_addresses values that include the loopback address. */
const LISTENS_ON_LOOPBACK = /(^|,)\s*(\*|0\.0\.0\.0|localhost|127\.0\.0\.1)\s*(,|$)/;

const STDERR_KEEP = 64 * 1024;
const STDOUT_KEEP = 4 * 1024 * 1024;

async function runOnHost(cmd: string[], env: Record<string, string>, opts: PgRunOptions): Promise<PgRunResult> {
  const files = opts.files ?? [];
  try {
    // 'wx': never write through a file or link someone else put there first.
    for (const f of files) fs.writeFileSync(f.path, f.content, { flag: 'wx', mode: 0o600 });
    return await spawnOnHost(cmd, env, opts);
  } finally {
    for (const f of files) fs.rmSync(f.path, { force: true });
  }
}

function spawnOnHost(cmd: string[], env: Record<string, string>, opts: PgRunOptions): Promise<PgRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    let stderr = '';
    const captured: Buffer[] = [];
    let capturedBytes = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_KEEP)));
    const out = opts.stdout
      ? pipeline(child.stdout, opts.stdout)
      : new Promise<void>((res) => {
          child.stdout.on('data', (c: Buffer) => {
            if (capturedBytes < STDOUT_KEEP) captured.push(c);
            capturedBytes += c.length;
          });
          child.stdout.on('end', res);
        });
    const input = opts.stdin
      ? pipeline(opts.stdin, child.stdin).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw e;
        })
      : (child.stdin.end(), Promise.resolve());
    const exited = new Promise<number>((res, rej) => {
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') rej(new OpsdeckError('internal', say('errors.postgres.notInstalled', { tool: cmd[0] }), { cause: e }));
        else rej(e);
      });
      child.on('close', (code, signal) => res(code ?? (signal ? 128 : -1)));
    });
    Promise.all([exited, out, input])
      .then(([exitCode]) => resolve({ exitCode, stdout: Buffer.concat(captured).toString('utf8'), stderr }))
      .catch((e) => {
        child.kill('SIGKILL');
        reject(e);
      });
  });
}

/** How to run pg_dump & co. for this stack, with its credentials read fresh from the env file. */
export function pgTools(stack: Stack): PgTools {
  const role = stack.database;
  if (!role) throw new OpsdeckError('config_invalid', say('errors.postgres.noDatabase', { stack: stack.name }));
  const env = readStackEnv(stack);
  const conn = resolveDatabase(stack, env);
  const passwordVar = role.dsnVar && readSecretVar(stack, env, role.dsnVar) ? role.dsnVar : role.passwordVar;
  const clean = (r: PgRunResult, as?: PgLogin): PgRunResult => ({ ...r, stderr: redactSecrets(r.stderr, as ? [conn.password, as.password] : [conn.password]) });
  const login = (base: Record<string, string>, as?: PgLogin) => (as ? { ...base, PGUSER: as.user, PGPASSWORD: as.password } : base);
  if (role.service) {
    const service = role.service;
    // Through the container's own socket: the tools match the server's version and no port needs publishing.
    const pgEnv = { PGUSER: conn.user, PGPASSWORD: conn.password, PGCONNECT_TIMEOUT: '10' };
    const run: PgTools['run'] = async (cmd, opts = {}) =>
      clean(await execInService(stack, service, { cmd, env: login(pgEnv, opts.as), stdin: opts.stdin, stdout: opts.stdout, signal: opts.signal, maxCapture: STDOUT_KEEP, files: opts.files }), opts.as);
    let loopbackPort: Promise<string | null> | null = null;
    const tools: PgTools = {
      mode: 'container',
      where: `the ${service} container`,
      conn,
      passwordVar,
      run,
      runBulk: async (cmd, feed, opts = {}) => {
        loopbackPort ??= pgServerQuery(tools, "SELECT current_setting('port'), current_setting('listen_addresses')")
          .then(([[port, listen]]) => (LISTENS_ON_LOOPBACK.test(listen ?? '') ? port : null), () => null);
        const port = await loopbackPort;
        if (port) {
          const env = { ...login(pgEnv, opts.as), PGHOST: '127.0.0.1', PGPORT: port };
          const r = await runBesideService(stack, service, { cmd, env, stdin: feed(), stdout: opts.stdout, signal: opts.signal, maxCapture: STDOUT_KEEP, files: opts.files }).then((x) => clean(x, opts.as), (e: unknown) => {
            if (opts.signal?.aborted) throw e;
            return null; // the daemon refused the helper container: the exec way below
          });
          if (r && !(r.exitCode !== 0 && NO_TCP_LOGIN.test(r.stderr))) return { ...r, via: `beside the ${service} container` };
        }
        return { ...(await run(cmd, { ...opts, stdin: feed() })), via: `in the ${service} container` };
      },
    };
    return tools;
  }
  const pgEnv = { PGHOST: conn.host, PGPORT: String(conn.port), PGUSER: conn.user, PGPASSWORD: conn.password, PGCONNECT_TIMEOUT: '10' };
  const run: PgTools['run'] = async (cmd, opts = {}) => clean(await runOnHost(cmd, login(pgEnv, opts.as), opts), opts.as);
  return { mode: 'host', where: `the database at ${conn.host}:${conn.port}`, conn, passwordVar, run, runBulk: async (cmd, feed, opts = {}) => ({ ...(await run(cmd, { ...opts, stdin: feed() })), via: "with the host's tools" }) };
}

/** SQL identifier quoting ("a""b"); database names come from env files and our own suffixes. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** psql's field separator in Opsdeck's queries: a byte no value of ours contains. */
export const FIELD = '\x1f';
const RECORD = '\x1e';

/** Runs SQL with psql and returns the rows as arrays of strings (NULL is ""). Throws on error. */
export async function pgQuery(tools: PgTools, database: string, sql: string, opts: { signal?: AbortSignal; as?: PgLogin } = {}): Promise<string[][]> {
  const r = await tools.run(['psql', '-X', '-q', '-A', '-t', '-F', FIELD, '-R', RECORD, '-v', 'ON_ERROR_STOP=1', `--dbname=${database}`, '-c', sql], opts);
  if (r.exitCode !== 0) {
    throw new PgCommandError('psql', r.exitCode, r.stderr);
  }
  return r.stdout
    .split(RECORD)
    .map((line) => line.replace(/\n$/, ''))
    .filter((line) => line !== '')
    .map((line) => line.split(FIELD));
}

/**
 * The database to open for server-wide work (replication slots, WAL positions, settings, roles,
 * renames): never the stack's live one. PostgreSQL refuses to rename a database while any other
 * session is connected to it, so anything that samples the server every few seconds must not hold
 * a session on the live database when a restore swaps it.
 */
export const maintenanceDb = (db: string) => (db === 'postgres' ? 'template1' : 'postgres');

/** A server-wide query (slots, WAL, settings) on the maintenance database, never the live one. */
export function pgServerQuery(tools: PgTools, sql: string, opts: { signal?: AbortSignal; as?: PgLogin } = {}): Promise<string[][]> {
  return pgQuery(tools, maintenanceDb(tools.conn.database), sql, opts);
}

/**
 * Runs a psql script (statements one after the other, each in its own transaction unless the script
 * says BEGIN; backslash commands such as \gexec allowed) in one round trip. Throws on the first error.
 */
export async function pgScript(tools: PgTools, database: string, script: string, opts: { signal?: AbortSignal; as?: PgLogin } = {}): Promise<string> {
  const r = await tools.run(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', `--dbname=${database}`, '-f', '-'], { ...opts, stdin: Readable.from([script]) });
  if (r.exitCode !== 0) throw new PgCommandError('psql', r.exitCode, r.stderr);
  return r.stdout;
}

/**
 * A PostgreSQL tool exited non-zero. `stderr` comes masked from PgTools.run; the message keeps only
 * its last lines (the reason: "database … is being accessed by other users"), the whole text is the
 * detail. lib/backup/failure.ts turns it into plain words for the page.
 */
/** What Opsdeck was doing when a tool failed: failure.ts words the message after it, not after the tool. */
export type PgStep = 'load' | 'create-scratch' | 'sandbox' | 'check' | 'hand-over' | 'rename' | 'drop';

export class PgCommandError extends OpsdeckError {
  step: PgStep | null = null;
  constructor(readonly tool: string, readonly exitCode: number, readonly stderr: string) {
    const reason = stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 300);
    super('internal', `${tool} failed (exit code ${exitCode})${reason ? `: ${reason}` : '.'}`, { detail: `${tool} exited with code ${exitCode}\n${stderr.trim()}` });
    this.name = 'PgCommandError';
  }
}

/** Tags a PostgreSQL tool failure of `work` with the step it belongs to (the first tag wins). */
export async function during<T>(step: PgStep, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof PgCommandError && !e.step) e.step = step;
    throw e;
  }
}
