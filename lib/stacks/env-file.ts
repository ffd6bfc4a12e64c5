import { readFileSync } from 'node:fs';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { interpolate, InterpolationError } from './interpolate';
import type { Stack } from './types';

/**
 * Env files are read the way `docker compose --env-file` reads them, so what Opsdeck believes is
 * configured is what the containers actually got. Rules: `KEY=VALUE` and `export KEY=VALUE`; `#`
 * comment lines and blank lines; single quotes are literal; double quotes understand \n \t \\ \"
 * \$ escapes and may span lines; unquoted values lose a ` #` inline comment and trailing spaces;
 * unquoted and double-quoted values interpolate `$VAR`/`${VAR…}` from keys defined earlier; a
 * bare `KEY` line takes its value from `lookup` (compose inherits it from the shell).
 */
export interface ParseEnvOptions {
  /** Fallback for names not defined earlier in the file. Off by default: results then depend only on the file. */
  lookup?: (name: string) => string | undefined;
}

/** Syntax error in an env file. Messages name the line and key, never a value (it may be a secret). */
export class EnvSyntaxError extends OpsdeckError {
  readonly line: number;
  readonly reason: string;

  constructor(line: number, reason: string) {
    super('config_invalid', `line ${line}: ${reason}`);
    this.name = 'EnvSyntaxError';
    this.line = line;
    this.reason = reason;
  }
}

const KEY = /^([A-Za-z0-9_.[\]-]+)[ \t]*(=|\n|$)/;
const ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"',
  // `$$` is how the interpolation step spells a literal dollar.
  $: '$$',
};

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** Reads a quoted value starting at `open` (the quote). Returns the raw text and the index after the closing quote. */
function readQuoted(text: string, open: number): { raw: string; end: number } | null {
  const quote = text[open];
  let raw = '';
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      // An escaped quote of the same kind loses its backslash; other escapes are decoded later (or kept, in single quotes).
      raw += text[i + 1] === quote ? quote : c + text[i + 1];
      i++;
    } else if (c === quote) {
      return { raw, end: i + 1 };
    } else {
      raw += c;
    }
  }
  return null;
}

export function parseEnvFile(text: string, opts: ParseEnvOptions = {}): Map<string, string> {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const out = new Map<string, string>();
  const resolve = (name: string) => (out.has(name) ? out.get(name) : opts.lookup?.(name));
  const lineAt = (pos: number) => src.slice(0, pos).split('\n').length;
  const expand = (value: string, line: number) => {
    try {
      return interpolate(value, resolve);
    } catch (e) {
      if (e instanceof InterpolationError) throw new EnvSyntaxError(line, e.message);
      throw e;
    }
  };

  let i = 0;
  while (i < src.length) {
    while (i < src.length && isBlank(src[i])) i++;
    if (i >= src.length) break;
    const line = lineAt(i);
    if (src[i] === '#') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl + 1;
      continue;
    }
    const exported = /^export[ \t]+/.exec(src.slice(i));
    if (exported) i += exported[0].length;
    const keyMatch = KEY.exec(src.slice(i));
    if (!keyMatch) {
      const bad = src.slice(i).search(/[^A-Za-z0-9_.[\]-]/);
      const ch = bad < 0 ? '' : src[i + bad];
      throw new EnvSyntaxError(line, ch === ' ' || ch === '\t'
        ? 'variable names cannot contain spaces (expected KEY=VALUE)'
        : `unexpected character ${JSON.stringify(ch)} in a variable name (expected KEY=VALUE)`);
    }
    const key = keyMatch[1];
    i += keyMatch[0].length;
    if (keyMatch[2] !== '=') {
      const inherited = opts.lookup?.(key);
      if (inherited !== undefined) out.set(key, inherited);
      continue;
    }
    while (src[i] === ' ' || src[i] === '\t') i++;
    const first = src[i];
    if (first === '"' || first === "'") {
      const quoted = readQuoted(src, i);
      if (!quoted) throw new EnvSyntaxError(line, `unterminated quoted value for ${key} (missing closing ${first})`);
      i = quoted.end;
      const tail = /^[ \t]*(#[^\n]*)?(\n|$)/.exec(src.slice(i));
      if (!tail) throw new EnvSyntaxError(lineAt(i), `unexpected text after the closing quote of ${key}`);
      i += tail[0].length;
      const value = first === "'"
        ? quoted.raw
        : expand(quoted.raw.replace(/\\([abfnrtv\\"$])/g, (_m, c: string) => ESCAPES[c]), line);
      out.set(key, value);
      continue;
    }
    const nl = src.indexOf('\n', i);
    const rawLine = src.slice(i, nl < 0 ? src.length : nl);
    i = nl < 0 ? src.length : nl + 1;
    const comment = rawLine.search(/[ \t]#/);
    const value = (comment < 0 ? rawLine : rawLine.slice(0, comment)).replace(/\s+$/, '');
    out.set(key, expand(value, line));
  }
  return out;
}

/** Reads and parses one env file, turning I/O failures into messages an operator can act on. */
export function readEnvFile(file: string, opts: ParseEnvOptions = {}): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? say('errors.stacks.notFound') : code === 'EACCES' ? say('errors.stacks.denied') : code === 'EISDIR' ? say('errors.stacks.isDir') : say('errors.stacks.unreadable');
    throw new OpsdeckError('config_invalid', say('errors.stacks.fileProblem', { why, file }), { cause: e });
  }
  return parseEnvFile(text, opts);
}

/**
 * The stack's env file as a fresh map on every call: operators edit these files while Opsdeck
 * runs, and a stale password would make every probe fail. A stack without an env file has none.
 */
export function readStackEnv(stack: Stack): Map<string, string> {
  if (!stack.envFile) return new Map();
  try {
    return readEnvFile(stack.envFile);
  } catch (e) {
    if (e instanceof EnvSyntaxError) {
      throw new OpsdeckError('config_invalid', say('errors.stacks.envInvalid', { stack: stack.name, file: stack.envFile, why: e.message }), { cause: e });
    }
    if (e instanceof OpsdeckError) {
      throw new OpsdeckError('config_invalid', say('errors.stacks.envUnusable', { stack: stack.name, why: e.said ?? e.message }), { cause: e });
    }
    throw e;
  }
}
