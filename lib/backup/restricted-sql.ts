/**
 * What psql receives when a plain-SQL dump is restored: `\restrict <random key>` first, so psql
 * itself refuses every backslash command after it (`\!`, `\connect`, `\copy`, `\o |…`; a dump
 * cannot know the key to `\unrestrict`), then the dump with what a role without ownership of other
 * roles cannot run taken out, as pg_restore --no-owner --no-privileges does for an archive:
 *  - the dump's own `\restrict` / `\unrestrict` pair (a second `\restrict` would be refused);
 *  - `ALTER … OWNER TO …`, `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES` (objects are the restore
 *    role's, then handed to the stack's user);
 *  - `COMMENT ON EXTENSION` of an extension that already exists in the new database (created by
 *    Opsdeck beforehand or by the template): only its owner may comment it, and the text is the
 *    extension's own.
 * Only whole one-line statements are taken out (pg_dump writes these on one line). Getting one
 * wrong can only make the load fail: nothing here is what keeps the load in its database.
 */
import crypto from 'node:crypto';
import { Transform } from 'node:stream';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { SqlGuard, SqlRefusedError } from './sql-guard';
import { SqlLexer, sqlLines } from './sql-lexer';
import type { PgTools } from '@/lib/postgres/tools';

const OWNERSHIP_OR_ACL = /^(ALTER\s[\s\S]*\sOWNER\s+TO\s[\s\S]*|GRANT\s[\s\S]*|REVOKE\s[\s\S]*|ALTER\s+DEFAULT\s+PRIVILEGES\s[\s\S]*);$/i;
const RESTRICT_LINE = /^\\(restrict|unrestrict)(\s|$)/;
const EXTENSION_COMMENT = /^COMMENT\s+ON\s+EXTENSION\s+(""|[^\s"]+)\s+IS\s+''\s*;$/i;

/** A key psql accepts (letters and digits), never written anywhere a dump could read it. */
export const restrictKey = () => crypto.randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 32);

/**
 * The stream in front of psql. With `lint` the import check (sql-guard.ts) runs on the way and fails
 * the stream on what it refuses, with its friendly reason; without it only psql and PostgreSQL decide.
 */
export function restrictedSqlStream(key: string, opts: { lint: boolean; existingExtensions: string[] }): Transform {
  const lexer: SqlLexer = opts.lint ? new SqlGuard() : new SqlLexer();
  const existing = new Set(opts.existingExtensions);
  const lines = sqlLines(lexer, (line) => {
    const text = line.toString('utf8');
    const seen = lexer.line(text);
    if (!seen.atStatementStart) return line;
    if (seen.meta === 0 && RESTRICT_LINE.test(text)) return null;
    if (!seen.endsStatement) return line;
    const code = seen.code.trim();
    if (OWNERSHIP_OR_ACL.test(code)) return null;
    if (EXTENSION_COMMENT.test(code) && existing.has(extensionName(text) ?? '')) return null;
    return line;
  }, () => new SqlRefusedError('it has an SQL line longer than 64 MB, so it does not look like a pg_dump file', lexer.lineNo + 1));
  let started = false;
  const head = () => {
    if (started) return [];
    started = true;
    return [Buffer.from(`\\restrict ${key}\n`)];
  };
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb) {
      try {
        cb(null, Buffer.concat([...head(), ...lines.transform(chunk)]));
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        cb(null, Buffer.concat([...head(), ...lines.flush()]));
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/** The extension a `COMMENT ON EXTENSION x IS …` line is about (from the raw text: the code blanks quoted names). */
function extensionName(text: string): string | null {
  const m = /^\s*COMMENT\s+ON\s+EXTENSION\s+(?:"((?:[^"]|"")+)"|([^\s"]+))\s/i.exec(text);
  return m ? (m[1]?.replace(/""/g, '"') ?? m[2].toLowerCase()) : null;
}

/** psql releases with `\restrict` (August 2025 and later). */
const RESTRICT_SINCE: Record<number, number> = { 13: 22, 14: 19, 15: 14, 16: 10, 17: 6 };

/** "psql (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" → whether it knows `\restrict`. */
export function psqlHasRestrict(versionLine: string): boolean {
  const m = /\b(\d+)(?:\.(\d+))?/.exec(versionLine.replace(/^[^)]*\)/, ''));
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  if (major >= 18) return true;
  const since = RESTRICT_SINCE[major];
  return since !== undefined && minor >= since;
}

/** Refuses a plain-SQL restore when the psql that would run it cannot be put in restricted mode. */
export async function requireRestrictedPsql(tools: PgTools): Promise<string> {
  const r = await tools.run(['psql', '--version']);
  const line = r.stdout.trim().split('\n')[0] ?? '';
  if (r.exitCode !== 0 || !psqlHasRestrict(line)) {
    throw new OpsdeckError(
      'conflict',
      say('errors.backup.psqlTooOld', { where: tools.where, version: line || say('errors.backup.unknownVersion') }),
      { detail: `psql --version: ${line || r.stderr.trim()}` },
    );
  }
  return line;
}
