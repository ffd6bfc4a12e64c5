/**
 * Reads a plain SQL dump the way psql splits it, one line at a time: strings, quoted names, dollar
 * quotes and (nested) comments are followed across lines, a backslash outside them starts a psql
 * command, and the lines after a `COPY … FROM stdin;` statement are data up to `\.`. Used by the
 * import check (sql-guard.ts) and by the stream that feeds a restore's psql (restricted-sql.ts).
 * Neither is a boundary: psql's \restrict and the restore role are (restore-role.ts).
 */

/**
 * A whole `COPY … FROM stdin;` statement, matched on the line's code (literals blanked, comments
 * removed), never on its raw text: `COPY t TO stdout; -- FROM stdin;` must not start a data section.
 */
const COPY_FROM_STDIN = /^COPY\s[\s\S]+\sFROM\s+stdin\s*;$/i;
const IDENT = /[A-Za-z0-9_$\x80-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$/;

type LexState = { in: 'code' } | { in: 'squote'; escapes: boolean } | { in: 'dquote' } | { in: 'dollar'; tag: string } | { in: 'block'; depth: number };

export interface SqlLine {
  /** The line's code with literals reduced to '' / "" and comments removed (up to a psql command). */
  code: string;
  /** Where a psql backslash command starts on the line, or -1. */
  meta: number;
  /** The line starts a statement (the one before ended with `;`, nothing is open). */
  atStatementStart: boolean;
  /** The line ends outside any literal or comment, after a `;`: it completes its statements. */
  endsStatement: boolean;
  /** A COPY data line (nothing else above applies). */
  copyData: boolean;
}

export class SqlLexer {
  private state: LexState = { in: 'code' };
  /** Last code character: a statement starts after a `;` (or at the start). */
  private lastCode = ';';
  inCopy = false;
  lineNo = 0;

  /** One line (without its newline). */
  line(raw: string): SqlLine {
    this.lineNo++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.inCopy) {
      if (text === '\\.') this.inCopy = false;
      return { code: '', meta: -1, atStatementStart: false, endsStatement: false, copyData: true };
    }
    const atStatementStart = this.state.in === 'code' && this.lastCode === ';';
    const { code, meta } = this.lex(text);
    const trimmed = code.trim();
    if (trimmed) this.lastCode = trimmed[trimmed.length - 1];
    const endsStatement = this.state.in === 'code' && meta === -1 && this.lastCode === ';';
    // psql sends the lines after `COPY … FROM stdin;` to the server as data, up to `\.`.
    if (atStatementStart && endsStatement && COPY_FROM_STDIN.test(trimmed)) this.inCopy = true;
    return { code, meta, atStatementStart, endsStatement, copyData: false };
  }

  /** A COPY data line (only whether it is the `\.` end marker matters). */
  copyLine(isEnd: boolean): void {
    this.lineNo++;
    if (isEnd) this.inCopy = false;
  }

  private lex(text: string): { code: string; meta: number } {
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
        if (end === -1) return { code: out, meta: -1 };
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
      const prev = i > 0 ? text[i - 1] : '';
      if (c === '-' && text[i + 1] === '-') return { code: out, meta: -1 };
      if (c === '\\') return { code: out, meta: i }; // psql reads the rest of the line as its own command
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
      } else {
        out += c;
        i++;
      }
    }
    return { code: out, meta: -1 };
  }
}

/** Longest SQL line held in memory (COPY data lines are never held). */
export const MAX_SQL_LINE = 64 * 1024 * 1024;

/**
 * The line splitting of a stream in front of psql: `onLine` gets each complete SQL line and returns
 * what to pass on (null: nothing); COPY data passes as it comes, only its `\.` end is looked for.
 * Only complete lines are passed on, so psql never receives the start of a refused line.
 */
export function sqlLines(
  lexer: SqlLexer,
  onLine: (line: Buffer) => Buffer | null,
  tooLong: () => Error,
): { transform(chunk: Buffer): Buffer[]; flush(): Buffer[] } {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // COPY data: only whether the current line is `\.` matters, so only its first bytes are kept.
  let copyHead = Buffer.alloc(0);
  const emit = (out: Buffer[], line: Buffer, nl: Buffer | null) => {
    const passed = onLine(line);
    if (passed) out.push(passed);
    if (passed && nl) out.push(nl);
  };
  return {
    transform(chunk) {
      const out: Buffer[] = [];
      let pos = 0;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(10, pos);
        const end = nl === -1 ? chunk.length : nl + 1;
        if (lexer.inCopy) {
          if (copyHead.length < 4) copyHead = Buffer.concat([copyHead, chunk.subarray(pos, Math.min(end, pos + 4))]);
          out.push(chunk.subarray(pos, end));
          if (nl !== -1) {
            const head = copyHead.toString('latin1');
            lexer.copyLine(head === '\\.\n' || head === '\\.\r\n');
            copyHead = Buffer.alloc(0);
          }
        } else if (nl === -1) {
          pending.push(chunk.subarray(pos));
          pendingBytes += chunk.length - pos;
          if (pendingBytes > MAX_SQL_LINE) throw tooLong();
        } else {
          const line = pending.length ? Buffer.concat([...pending, chunk.subarray(pos, nl)]) : chunk.subarray(pos, nl);
          pending = [];
          pendingBytes = 0;
          emit(out, line, chunk.subarray(nl, nl + 1));
        }
        pos = end;
      }
      return out;
    },
    flush() {
      const out: Buffer[] = [];
      if (pending.length) emit(out, Buffer.concat(pending), null);
      pending = [];
      return out;
    },
  };
}
