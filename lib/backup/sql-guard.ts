/**
 * Keeps a plain-SQL restore inside the scratch database it is loaded into. psql runs more than SQL:
 * `\connect` switches to another database (the live one), `\!` runs a shell in the database
 * container, `\o |cmd`, `\copy … program`, `\gexec` … and SQL itself can create, drop or alter
 * whole databases, roles or the server's configuration. A dump of one database made by pg_dump
 * (without --create) needs none of that, so a file containing any of it is refused.
 *
 * The check streams: lines are read one at a time (a small lexer follows strings, quoted names,
 * dollar quotes and comments across lines, as psql does), and COPY data (from `COPY … FROM stdin;`
 * to `\.`) is passed through without being parsed. Used twice: when a file is verified (import),
 * and in front of psql when it is loaded, where only complete, already checked lines are passed on.
 */
import { Transform } from 'node:stream';

export class SqlRefusedError extends Error {
  constructor(readonly reason: string, readonly line: number) {
    super(`${reason} (line ${line})`);
    this.name = 'SqlRefusedError';
  }
}

/** What pg_dump itself writes outside COPY data: `\restrict <key>` / `\unrestrict <key>` (newer releases). */
const ALLOWED_META = /^\\(restrict|unrestrict) [A-Za-z0-9]+$/;
const COPY_FROM_STDIN = /^COPY\s.+\sFROM\s+stdin;$/i;
const REFUSED_SQL: [RegExp, string][] = [
  [/\b(CREATE|DROP|ALTER)\s+DATABASE\b/i, 'a CREATE/DROP/ALTER DATABASE statement'],
  [/\b(CREATE|DROP|ALTER)\s+(ROLE|GROUP)\b|\b(CREATE|DROP|ALTER)\s+USER\b(?!\s+MAPPING\b)/i, 'a statement changing database users (roles)'],
  [/\bALTER\s+SYSTEM\b/i, 'an ALTER SYSTEM statement'],
  [/\b(CREATE|DROP|ALTER)\s+TABLESPACE\b/i, 'a statement changing tablespaces'],
  [/\b(FROM|TO)\s+PROGRAM\s*(E\s*)?''/i, 'a COPY … PROGRAM statement (runs a command on the database server)'],
];
/** Longest SQL line held in memory (COPY data lines are never held). */
const MAX_SQL_LINE = 64 * 1024 * 1024;
const IDENT = /[A-Za-z0-9_$\x80-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$/;

type LexState = { in: 'code' } | { in: 'squote'; escapes: boolean } | { in: 'dquote' } | { in: 'dollar'; tag: string } | { in: 'block'; depth: number };

/** The line-by-line checker. `line()` takes one line (without its newline) and throws SqlRefusedError. */
export class SqlGuard {
  private state: LexState = { in: 'code' };
  /** The end of the code seen so far (strings blanked): statements split over lines are still matched. */
  private carry = '';
  /** Last code character: a COPY only starts a statement after a `;` (or at the start). */
  private lastCode = ';';
  inCopy = false;
  lineNo = 0;

  line(raw: string): void {
    this.lineNo++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.inCopy) {
      if (text === '\\.') this.inCopy = false;
      return;
    }
    const atStatementStart = this.state.in === 'code' && this.lastCode === ';';
    const code = this.lex(text);
    const joined = `${this.carry}\n${code}`;
    for (const [re, what] of REFUSED_SQL) {
      if (re.test(joined)) throw new SqlRefusedError(`it contains ${what}, which would act outside the database being restored`, this.lineNo);
    }
    this.carry = joined.slice(-200);
    const trimmed = code.trim();
    if (trimmed) this.lastCode = trimmed[trimmed.length - 1];
    // psql sends the lines after `COPY … FROM stdin;` to the server as data, up to `\.`.
    if (atStatementStart && this.state.in === 'code' && COPY_FROM_STDIN.test(text.trim())) this.inCopy = true;
  }

  /** A COPY data line seen by the stream (only whether it is the `\.` end marker matters). */
  copyLine(isEnd: boolean): void {
    this.lineNo++;
    if (isEnd) this.inCopy = false;
  }

  /** Follows quoting through one line; returns its code with literals reduced to '' and comments removed. */
  private lex(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const s = this.state;
      const c = text[i];
      if (s.in === 'squote') {
        if (s.escapes && c === '\\') i += 2;
        else if (c === "'") {
          // '' inside a literal is a quote: the literal goes on.
          if (text[i + 1] === "'") i += 2;
          else {
            this.state = { in: 'code' };
            out += "''";
            i++;
          }
        } else i++;
        continue;
      }
      if (s.in === 'dquote') {
        if (c === '"' && text[i + 1] === '"') i += 2;
        else if (c === '"') {
          this.state = { in: 'code' };
          out += '""';
          i++;
        } else i++;
        continue;
      }
      if (s.in === 'dollar') {
        const end = text.indexOf(s.tag, i);
        if (end === -1) return out;
        this.state = { in: 'code' };
        out += "''";
        i = end + s.tag.length;
        continue;
      }
      if (s.in === 'block') {
        if (c === '*' && text[i + 1] === '/') {
          this.state = s.depth > 1 ? { in: 'block', depth: s.depth - 1 } : { in: 'code' };
          i += 2;
        } else if (c === '/' && text[i + 1] === '*') {
          this.state = { in: 'block', depth: s.depth + 1 };
          i += 2;
        } else i++;
        continue;
      }
      // Code.
      const prev = i > 0 ? text[i - 1] : '';
      if (c === '-' && text[i + 1] === '-') return out;
      if (c === '/' && text[i + 1] === '*') {
        this.state = { in: 'block', depth: 1 };
        out += ' ';
        i += 2;
      } else if (c === "'") {
        const escapes = /[Ee]/.test(prev) && !(i > 1 && IDENT.test(text[i - 2]));
        this.state = { in: 'squote', escapes };
        i++;
      } else if (c === '"') {
        this.state = { in: 'dquote' };
        i++;
      } else if (c === '$' && !(prev && IDENT.test(prev)) && DOLLAR_TAG.test(text.slice(i, i + 128))) {
        const tag = DOLLAR_TAG.exec(text.slice(i, i + 128))![0];
        this.state = { in: 'dollar', tag };
        i += tag.length;
      } else if (c === '\\') {
        // psql reads a backslash outside quotes as one of its own commands, wherever it is on the line.
        if (i === 0 && ALLOWED_META.test(text.trimEnd())) return out;
        const cmd = /^\\[^\s\\]*/.exec(text.slice(i))?.[0] ?? '\\';
        throw new SqlRefusedError(`it contains the psql command ${cmd.slice(0, 20)}, which pg_dump never writes and which could act outside the database being restored`, this.lineNo);
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }
}

/**
 * A Transform in front of psql: passes on only complete lines the guard has accepted (COPY data as
 * it comes), so psql never receives the start of a refused line. Fails the stream on refusal.
 */
export function sqlGuardStream(guard: SqlGuard = new SqlGuard()): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // COPY data: only whether the current line is `\.` matters, so only its first bytes are kept.
  let copyHead = Buffer.alloc(0);
  const sqlLine = (buf: Buffer) => guard.line(buf.toString('utf8'));
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb) {
      const out: Buffer[] = [];
      let pos = 0;
      try {
        while (pos < chunk.length) {
          const nl = chunk.indexOf(10, pos);
          const end = nl === -1 ? chunk.length : nl + 1;
          if (guard.inCopy) {
            if (copyHead.length < 4) copyHead = Buffer.concat([copyHead, chunk.subarray(pos, Math.min(end, pos + 4))]);
            out.push(chunk.subarray(pos, end));
            if (nl !== -1) {
              const head = copyHead.toString('latin1');
              guard.copyLine(head === '\\.\n' || head === '\\.\r\n');
              copyHead = Buffer.alloc(0);
            }
          } else if (nl === -1) {
            pending.push(chunk.subarray(pos));
            pendingBytes += chunk.length - pos;
            if (pendingBytes > MAX_SQL_LINE) throw new SqlRefusedError('it has an SQL line longer than 64 MB, so it does not look like a pg_dump file', guard.lineNo + 1);
          } else {
            const line = pending.length ? Buffer.concat([...pending, chunk.subarray(pos, nl)]) : chunk.subarray(pos, nl);
            pending = [];
            pendingBytes = 0;
            sqlLine(line);
            out.push(line, chunk.subarray(nl, nl + 1));
          }
          pos = end;
        }
      } catch (e) {
        return cb(e as Error);
      }
      cb(null, out.length === 1 ? out[0] : Buffer.concat(out));
    },
    flush(cb) {
      try {
        if (pending.length) {
          const line = Buffer.concat(pending);
          sqlLine(line);
          return cb(null, line);
        }
      } catch (e) {
        return cb(e as Error);
      }
      cb();
    },
  });
}
