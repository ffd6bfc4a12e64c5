/**
 * An early, friendly check of a plain-SQL dump, at import and again before a load: a dump of one
 * database made by pg_dump (without --create) needs no psql command but `\restrict`/`\unrestrict`,
 * and no SQL that reaches outside its database (CREATE DATABASE, roles, ALTER SYSTEM, COPY …
 * PROGRAM), so a file containing any of that is refused with a clear reason and its line.
 *
 * This is a lint, not the protection: a restore runs psql in restricted mode as a role that may do
 * nothing outside its scratch database (restore-role.ts, restricted-sql.ts), whatever gets past here.
 */
import { Transform } from 'node:stream';
import { SqlLexer, sqlLines } from './sql-lexer';

export class SqlRefusedError extends Error {
  constructor(readonly reason: string, readonly line: number) {
    super(`${reason} (line ${line})`);
    this.name = 'SqlRefusedError';
  }
}

/** What pg_dump itself writes outside COPY data: `\restrict <key>` / `\unrestrict <key>` (newer releases). */
export const ALLOWED_META = /^\\(restrict|unrestrict) [A-Za-z0-9]+$/;
const REFUSED_SQL: [RegExp, string][] = [
  [/\b(CREATE|DROP|ALTER)\s+DATABASE\b/i, 'a CREATE/DROP/ALTER DATABASE statement'],
  [/\b(CREATE|DROP|ALTER)\s+(ROLE|GROUP)\b|\b(CREATE|DROP|ALTER)\s+USER\b(?!\s+MAPPING\b)/i, 'a statement changing database users (roles)'],
  [/\bALTER\s+SYSTEM\b/i, 'an ALTER SYSTEM statement'],
  [/\b(CREATE|DROP|ALTER)\s+TABLESPACE\b/i, 'a statement changing tablespaces'],
  [/\b(FROM|TO)\s+PROGRAM\s*(E\s*)?''/i, 'a COPY … PROGRAM statement (runs a command on the database server)'],
];

/** The line-by-line checker. `line()` takes one line (without its newline) and throws SqlRefusedError. */
export class SqlGuard extends SqlLexer {
  /** The end of the code seen so far (strings blanked): statements split over lines are still matched. */
  private carry = '';

  override line(raw: string) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const seen = super.line(raw);
    if (seen.copyData) return seen;
    const joined = `${this.carry}\n${seen.code}`;
    for (const [re, what] of REFUSED_SQL) {
      if (re.test(joined)) throw new SqlRefusedError(`it contains ${what}, which would act outside the database being restored`, this.lineNo);
    }
    this.carry = joined.slice(-200);
    if (seen.meta !== -1 && !(seen.meta === 0 && ALLOWED_META.test(text.trimEnd()))) {
      const cmd = /^\\[^\s\\]*/.exec(text.slice(seen.meta))?.[0] ?? '\\';
      throw new SqlRefusedError(`it contains the psql command ${cmd.slice(0, 20)}, which pg_dump never writes and which could act outside the database being restored`, this.lineNo);
    }
    return seen;
  }
}

/** A Transform that passes on only complete lines the guard has accepted; fails the stream on refusal. */
export function sqlGuardStream(guard: SqlGuard = new SqlGuard()): Transform {
  const lines = sqlLines(guard, (line) => (guard.line(line.toString('utf8')), line), () =>
    new SqlRefusedError('it has an SQL line longer than 64 MB, so it does not look like a pg_dump file', guard.lineNo + 1));
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb) {
      try {
        const out = lines.transform(chunk);
        cb(null, out.length === 1 ? out[0] : Buffer.concat(out));
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        const out = lines.flush();
        cb(null, out.length ? Buffer.concat(out) : undefined);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}
