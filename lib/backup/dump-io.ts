/**
 * Reading dumps back: checking that a file is a complete, readable dump, and loading one into a
 * (scratch) database with pg_restore or, for plain SQL, psql with ON_ERROR_STOP.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { counter } from './file-sink';
import type { DumpFormat } from './manifest';
import { PgCommandError, type PgLogin, type PgTools } from '@/lib/postgres/tools';
import { restrictKey, restrictedSqlStream } from './restricted-sql';
import { SqlRefusedError, sqlGuardStream } from './sql-guard';

const readFile = (file: string) => fs.createReadStream(file, { highWaterMark: 1024 * 1024 });

/** Magic bytes decide the format, never the file name: "PGDMP" custom, 1f8b gzip, else plain SQL. */
export function detectFormat(file: string): DumpFormat {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(5);
    const n = fs.readSync(fd, head, 0, 5, 0);
    if (n >= 5 && head.toString('latin1') === 'PGDMP') return 'custom';
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'plain-gzip';
    return 'plain';
  } finally {
    fs.closeSync(fd);
  }
}

export interface Verification {
  ok: boolean;
  method: string;
  entries: number | null;
  detail: string | null;
}

/**
 * Reads a plain SQL dump to its end: pg_dump starts it with "-- PostgreSQL database dump" and ends
 * it with "-- PostgreSQL database dump complete". A cut-off file, a gzip error, or tool error text
 * mixed into the dump (the old script's `2>&1 | gzip`) all fail here, and so does anything that
 * would act outside the database it is loaded into (sql-guard.ts: `\connect`, `\!`, CREATE DATABASE …).
 */
async function verifyPlain(file: string, gzip: boolean): Promise<Verification> {
  let head = '';
  let tail = '';
  let errorLine: string | null = null;
  const scan = new Writable({
    write(chunk: Buffer, _e, cb) {
      const text = chunk.toString('utf8');
      if (head.length < 4096) head += text.slice(0, 4096 - head.length);
      const joined = tail + text;
      if (!errorLine) errorLine = /^(pg_dump: (error|fatal)[^\n]*)/m.exec(joined)?.[1] ?? null;
      tail = joined.slice(-256);
      cb();
    },
  });
  const method = gzip ? 'gunzip + SQL dump markers' : 'SQL dump markers';
  try {
    await (gzip ? pipeline(readFile(file), createGunzip(), sqlGuardStream(), scan) : pipeline(readFile(file), sqlGuardStream(), scan));
  } catch (e) {
    if (e instanceof SqlRefusedError) return { ok: false, method, entries: null, detail: `Opsdeck refuses to load this SQL file: ${e.message}` };
    return { ok: false, method, entries: null, detail: `the file cannot be read to its end: ${(e as Error).message}` };
  }
  if (!head.includes('PostgreSQL database dump')) return { ok: false, method, entries: null, detail: 'the file does not start like a pg_dump SQL dump' };
  if (errorLine) return { ok: false, method, entries: null, detail: `the dump contains an error from pg_dump: ${errorLine}` };
  // Newer pg_dump versions end with `\unrestrict <key>` after the "complete" comment.
  if (!/PostgreSQL database dump complete\s*(--\s*)?(\\unrestrict \S+\s*)?$/.test(tail)) return { ok: false, method, entries: null, detail: 'the dump is cut short (no "dump complete" line at its end)' };
  return { ok: true, method, entries: null, detail: null };
}

/**
 * Custom format: `pg_restore --list` must read the archive's table of contents. With `full` (a file
 * from elsewhere: an import), the whole archive is then read as a restore would, to nowhere
 * (`pg_restore --file=/dev/null`): the TOC alone does not show a data section that is cut short.
 */
async function verifyCustom(tools: PgTools, file: string, full: boolean, signal?: AbortSignal): Promise<Verification> {
  const r = await tools.run(['pg_restore', '--list'], { stdin: readFile(file), signal });
  if (r.exitCode !== 0) return { ok: false, method: 'pg_restore --list', entries: null, detail: r.stderr.trim() || `exit code ${r.exitCode}` };
  const entries = r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).length;
  if (entries === 0) return { ok: false, method: 'pg_restore --list', entries, detail: 'the archive lists no objects' };
  if (!full) return { ok: true, method: 'pg_restore --list', entries, detail: null };
  const method = 'pg_restore --list + full read (pg_restore --file=/dev/null)';
  const all = await tools.run(['pg_restore', '--file=/dev/null'], { stdin: readFile(file), signal });
  if (all.exitCode !== 0) {
    const said = all.stderr.trim().split('\n').slice(-3).join(' / ') || `exit code ${all.exitCode}`;
    return { ok: false, method, entries, detail: `its table of contents reads, but its data does not read to the end (cut short or damaged): ${said}` };
  }
  return { ok: true, method, entries, detail: null };
}

/** `full`: read a custom archive's data too, not only its table of contents (for imported files). */
export function verifyDump(tools: PgTools, file: string, format: DumpFormat, signal?: AbortSignal, opts: { full?: boolean } = {}): Promise<Verification> {
  return format === 'custom' ? verifyCustom(tools, file, opts.full ?? false, signal) : verifyPlain(file, format === 'plain-gzip');
}

/** What a load needs to know of a dump beforehand: the extensions it creates, and an archive's table of contents. */
export interface DumpContents {
  extensions: string[];
  toc: string | null;
}

/** A plain dump's extensions come before its first table; the read stops there (or after 16 MB, whatever its lines). */
async function plainExtensions(file: string, gzip: boolean): Promise<string[]> {
  const LIMIT = 16 * 1024 * 1024;
  const source = readFile(file);
  const text: Readable = gzip ? source.pipe(createGunzip()) : source;
  if (gzip) source.on('error', (e) => text.destroy(e));
  const found: string[] = [];
  let bytes = 0;
  let rest = '';
  try {
    for await (const chunk of text) {
      bytes += (chunk as Buffer).length;
      const lines = (rest + (chunk as Buffer).toString('utf8')).split('\n');
      rest = (lines.pop() ?? '').slice(0, 4096);
      for (const line of lines) {
        const m = /^CREATE EXTENSION IF NOT EXISTS (?:"((?:[^"]|"")+)"|(\S+)) /.exec(line);
        if (m) found.push(m[1]?.replace(/""/g, '"') ?? m[2]);
        if (/^(CREATE TABLE|COPY) /.test(line)) return found;
      }
      if (bytes > LIMIT) break;
    }
  } finally {
    source.destroy();
    text.destroy();
  }
  return found;
}

export async function dumpContents(tools: PgTools, file: string, format: DumpFormat, signal?: AbortSignal): Promise<DumpContents> {
  if (format !== 'custom') return { extensions: await plainExtensions(file, format === 'plain-gzip'), toc: null };
  const r = await tools.run(['pg_restore', '--list'], { stdin: readFile(file), signal });
  if (r.exitCode !== 0) throw new PgCommandError('pg_restore', r.exitCode, r.stderr);
  const extensions = [...r.stdout.matchAll(/^\d+;\s+\d+\s+\d+\s+EXTENSION\s+-\s+(\S+)/gm)].map((m) => m[1]);
  return { extensions, toc: r.stdout };
}

/** The archive's list without the comments on extensions that already exist (only their owner may set them). */
function tocWithout(toc: string, extensions: string[]): string | null {
  const skip = new Set(extensions);
  let dropped = 0;
  const kept = toc.split('\n').filter((line) => {
    const m = /^\d+;\s+\d+\s+\d+\s+COMMENT\s+-\s+EXTENSION\s+(?:"((?:[^"]|"")+)"|(\S+))/.exec(line);
    const name = m ? (m[1]?.replace(/""/g, '"') ?? m[2]) : null;
    if (name && skip.has(name)) dropped++;
    return !(name && skip.has(name));
  });
  return dropped ? kept.join('\n') : null;
}

export interface LoadOptions {
  /** The restore role (restore-role.ts) the tool logs in as. */
  as: PgLogin;
  signal?: AbortSignal;
  /** Run the import check (sql-guard.ts) on plain SQL on the way, for its friendly refusal (default true). */
  lint?: boolean;
  /** Extensions the scratch database already has: their COMMENT ON EXTENSION is left out. */
  existingExtensions?: string[];
  /** The archive's `pg_restore --list` (custom format). */
  toc?: string | null;
}

/**
 * Loads a dump into `database` (which must exist and be empty) as the restore role. Custom format:
 * pg_restore --no-owner --no-privileges. Plain SQL: psql in restricted mode (restricted-sql.ts),
 * ON_ERROR_STOP, one transaction. Throws PgCommandError on failure; returns where the tool ran
 * (PgTools.runBulk).
 */
export async function loadDump(tools: PgTools, file: string, format: DumpFormat, database: string, onBytes: (n: number) => void, opts: LoadOptions): Promise<string> {
  const { as, signal } = opts;
  const open = () => {
    const source = readFile(file);
    const counted = source.pipe(counter(onBytes));
    source.on('error', (e) => counted.destroy(e));
    return { source, counted };
  };
  if (format === 'custom') {
    const list = opts.toc ? tocWithout(opts.toc, opts.existingExtensions ?? []) : null;
    const listPath = `/tmp/opsdeck-restore-${crypto.randomBytes(8).toString('hex')}.list`;
    const r = await tools.runBulk(
      ['pg_restore', '--no-owner', '--no-privileges', '--exit-on-error', ...(list ? [`--use-list=${listPath}`] : []), `--dbname=${database}`],
      () => open().counted,
      { signal, as, files: list ? [{ path: listPath, content: list }] : undefined },
    );
    if (r.exitCode !== 0) throw new PgCommandError('pg_restore', r.exitCode, r.stderr);
    return r.via;
  }
  // Plain SQL: psql refuses its own commands after the stream's first line (\restrict), stops at
  // the first error, and runs it all in one transaction (a failure leaves the scratch database empty).
  const key = restrictKey();
  const feed = () => {
    const { source, counted } = open();
    const text = format === 'plain-gzip' ? counted.pipe(createGunzip()) : counted;
    if (format === 'plain-gzip') counted.on('error', (e) => text.destroy(e));
    const input = text.pipe(restrictedSqlStream(key, { lint: opts.lint ?? true, existingExtensions: opts.existingExtensions ?? [] }));
    text.on('error', (e) => input.destroy(e));
    // A refusal stops the reading too (the file is not read on to its end for nothing).
    input.on('error', () => source.destroy());
    return input;
  };
  try {
    const r = await tools.runBulk(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${database}`, '-f', '-'], feed, { signal, as });
    if (r.exitCode !== 0) throw new PgCommandError('psql', r.exitCode, r.stderr);
    return r.via;
  } catch (e) {
    if (e instanceof SqlRefusedError) {
      throw new OpsdeckError('invalid_input', say('errors.backup.sqlRefused', { why: e.message }), { detail: e.message });
    }
    throw e;
  }
}
