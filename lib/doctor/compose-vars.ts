/**
 * The variables a stack's compose files interpolate, and how: `${X:?msg}` (compose refuses to run
 * when X is unset or empty), `${X?msg}` (unset), `${X:-default}` (has a default), plain `${X}` /
 * `$X` (silently empty when unset). Only string values are scanned (YAML comments are not
 * interpolated), and `$$` is compose's escape for a literal dollar.
 */
import fs from 'node:fs';
import YAML from 'yaml';

export interface ComposeVariable {
  name: string;
  file: string;
  required: 'non-empty' | 'set' | null;
  /** Every reference has a default or an alternative (`:-`, `-`, `:+`, `+`): unset is fine. */
  hasDefault: boolean;
  message?: string;
}

const REF = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function strings(node: unknown, out: string[]): void {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => strings(n, out));
}

export function variablesIn(text: string, file: string): ComposeVariable[] {
  const values: string[] = [];
  strings(YAML.parse(text), values);
  const byName = new Map<string, ComposeVariable>();
  for (const value of values) {
    for (const m of value.matchAll(REF)) {
      if (m[1]) continue; // $$
      const name = m[2] ?? m[5];
      const op = m[3];
      const required = op === ':?' ? 'non-empty' : op === '?' ? 'set' : null;
      const hasDefault = op !== undefined && required === null;
      const prev = byName.get(name);
      if (!prev) {
        byName.set(name, { name, file, required, hasDefault, ...(required && m[4] ? { message: m[4] } : {}) });
        continue;
      }
      if (required === 'non-empty' || (required === 'set' && prev.required === null)) {
        prev.required = required;
        if (m[4]) prev.message = m[4];
      }
      prev.hasDefault = prev.hasDefault && hasDefault;
    }
  }
  return [...byName.values()];
}

/** Unreadable files yield nothing: listing the stack already reports them. */
export function composeVariables(files: string[]): ComposeVariable[] {
  return files.flatMap((file) => {
    try {
      return variablesIn(fs.readFileSync(file, 'utf8'), file);
    } catch {
      return [];
    }
  });
}
