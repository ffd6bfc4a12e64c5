/**
 * Where each assignment's value sits in an env file's text, without interpreting it: enough to
 * hide a value or replace it while keeping every other byte (comments, order, quoting) as written.
 * Follows the quoting rules of lib/stacks/env-file (quoted values may span lines).
 */
export interface ValueSpan {
  key: string;
  /** Offsets of the value's text, quotes included. */
  start: number;
  end: number;
  /** Offsets of the whole assignment line(s), newline excluded. */
  lineStart: number;
  lineEnd: number;
}

const ASSIGN = /^([ \t]*(?:export[ \t]+)?)([A-Za-z0-9_.[\]-]+)([ \t]*=[ \t]*)/;

function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === q) return i;
  }
  return -1;
}

export function valueSpans(text: string): ValueSpan[] {
  const out: ValueSpan[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(pos, lineEnd);
    const m = ASSIGN.exec(line);
    let next = lineEnd + 1;
    if (m && !line.trimStart().startsWith('#')) {
      const start = pos + m[0].length;
      let end: number;
      let spanEnd = lineEnd;
      if (text[start] === '"' || text[start] === "'") {
        const close = closingQuote(text, start);
        end = close < 0 ? lineEnd : close + 1;
        if (close >= 0 && close > lineEnd) {
          const after = text.indexOf('\n', close);
          spanEnd = after < 0 ? text.length : after;
          next = spanEnd + 1;
        }
      } else {
        const comment = line.slice(m[0].length).search(/[ \t]#/);
        end = comment < 0 ? lineEnd : start + comment;
        while (end > start && /\s/.test(text[end - 1])) end--;
      }
      out.push({ key: m[2], start, end, lineStart: pos, lineEnd: spanEnd });
    }
    pos = next;
  }
  return out;
}

/** Writes a value so the env file gives back exactly `value`: bare when safe, else quoted. */
export function quoteEnvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@%+,=-]*$/.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}

export interface EnvChange {
  key: string;
  /** null removes the key. */
  value: string | null;
}

/**
 * Applies form changes to the file's text: a changed key's last assignment gets the new value in
 * place (earlier duplicates are left, they were already overridden), a removed key loses every
 * assignment, a new key is appended. Everything else stays byte for byte.
 */
export function applyEnvChanges(text: string, changes: EnvChange[]): string {
  const spans = valueSpans(text);
  const lastOf = new Map<string, ValueSpan>();
  for (const s of spans) lastOf.set(s.key, s);
  const edits: { start: number; end: number; insert: string }[] = [];
  const appended: string[] = [];
  for (const c of changes) {
    const span = lastOf.get(c.key);
    if (c.value === null) {
      for (const s of spans.filter((x) => x.key === c.key)) {
        const after = text[s.lineEnd] === '\n' ? s.lineEnd + 1 : s.lineEnd;
        edits.push({ start: s.lineStart, end: after, insert: '' });
      }
    } else if (span) {
      edits.push({ start: span.start, end: span.end, insert: quoteEnvValue(c.value) });
    } else {
      appended.push(`${c.key}=${quoteEnvValue(c.value)}`);
    }
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.insert + out.slice(e.end);
  if (appended.length) out = `${out}${out === '' || out.endsWith('\n') ? '' : '\n'}${appended.join('\n')}\n`;
  return out;
}
