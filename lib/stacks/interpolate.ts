/**
 * Compose's variable substitution as applied to env-file values: `$$`, `$VAR`, `${VAR}` and the
 * `${VAR:-default}` / `-` / `:?err` / `?` / `:+alt` / `+` forms, with nested references inside the
 * default/alternative text. A `$` that starts none of these is kept literally: compose would reject
 * the file, but a console that shows the operator's stack is more useful than one that refuses to.
 */

export type Resolve = (name: string) => string | undefined;

/** Raised for template errors; the env-file parser adds the line number. */
export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/** Index of the `}` closing the `${` that starts at `start`, or -1. */
function closingBrace(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function braced(inner: string, resolve: Resolve): string {
  const m = BRACED.exec(inner);
  // The reference text is not echoed: a mangled line may hold a secret.
  if (!m) throw new InterpolationError('invalid "${…}" substitution (expected ${NAME} or ${NAME:-default})');
  const [, name, op, rest = ''] = m;
  const value = resolve(name);
  const unset = value === undefined;
  const empty = unset || value === '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return empty ? interpolate(rest, resolve) : value!;
    case '-':
      return unset ? interpolate(rest, resolve) : value;
    case ':?':
    case '?':
      if (op === ':?' ? empty : unset) {
        const why = interpolate(rest, resolve);
        throw new InterpolationError(`required variable ${name} is ${unset ? 'not set' : 'empty'}${why ? `: ${why}` : ''}`);
      }
      return value!;
    case ':+':
      return empty ? '' : interpolate(rest, resolve);
    case '+':
      return unset ? '' : interpolate(rest, resolve);
    default:
      return value ?? '';
  }
}

export function interpolate(s: string, resolve: Resolve): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(s, i);
      if (end < 0) throw new InterpolationError('unterminated "${" substitution (missing "}")');
      out += braced(s.slice(i + 2, end), resolve);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (m) {
      out += resolve(m[0]) ?? '';
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}
