/**
 * Text Opsdeck writes on the server (job steps, errors, notifications) is stored as English plus
 * the message key and parameters it was made from, so each reader sees it in their own language:
 * the browser renders the key with next-intl, a webhook in its target's language. The English text
 * stays beside it: it is what the API, the audit log and old rows (written before keys) show.
 * Client-safe: no Node imports.
 */

/** A parameter is plain text or itself keyed text (rendered in the same language first). */
export type SaidParams = Record<string, string | Said>;

export interface Said {
  /** The English rendering: what every English reader sees, byte for byte. */
  text: string;
  /** A key of messages/<locale>/server.json. */
  key: string;
  params?: SaidParams;
}

/** The part of a translator this needs: next-intl's `t` of the `server` namespace. */
export interface ServerTranslator {
  (key: string, values?: Record<string, string>): string;
  has(key: string): boolean;
}

export function isSaid(v: unknown): v is Said {
  return typeof v === 'object' && v !== null && typeof (v as Said).key === 'string' && typeof (v as Said).text === 'string';
}

/** Renders keyed text with `t`; falls back to the stored English when the key is unknown there. */
export function renderSaid(t: ServerTranslator, said: { key?: unknown; params?: unknown; text: string }): string {
  if (typeof said.key !== 'string' || !t.has(said.key)) return said.text;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries((said.params ?? {}) as Record<string, unknown>)) values[k] = isSaid(v) ? renderSaid(t, v) : String(v);
  try {
    return t(said.key, values);
  } catch {
    return said.text;
  }
}

/** Applies `fn` to every string parameter (masking secrets before a row is stored or served). */
export function mapSaidParams(params: SaidParams | undefined, fn: (text: string) => string): SaidParams | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? fn(v) : { ...v, text: fn(v.text), params: mapSaidParams(v.params, fn) }]));
}
