/**
 * Secrets never reach the browser, yet an admin edits the raw text of files that hold them. The
 * text sent to the page has each secret replaced by a marker naming its key (⟦hidden:KEY⟧); on
 * save the markers left in place are put back from the version the edit was based on, so an
 * unchanged secret survives and a typed one replaces it.
 */
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { isSecretKey } from '@/lib/secrets';
import { parseEnvFile } from '@/lib/stacks/env-file';
import { valueSpans } from './env-spans';

const MIN_SECRET = 4;
export const marker = (key: string) => `⟦hidden:${key}⟧`;
const urlMarker = (key: string) => `⟦hidden-url:${key}⟧`;
const MARKER_RE = /⟦hidden(-url)?:([A-Za-z0-9_.[\]-]+)⟧/g;

/** Secret-named keys and their values; the first key wins when several hold the same value. */
export function secretValues(env: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of env) if (isSecretKey(key) && value.length >= MIN_SECRET) out.set(key, value);
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Key/value pairs; a list, so an old and a new value of one key can both be hidden. */
export type SecretPairs = Iterable<readonly [string, string]>;

/** Every occurrence of a secret (or its URL-encoded form) in free text becomes its marker. */
export function hideText(text: string, secrets: SecretPairs): string {
  const forms = new Map<string, string>();
  for (const [key, value] of secrets) {
    if (!forms.has(value)) forms.set(value, marker(key));
    const enc = encodeURIComponent(value);
    if (enc !== value && !forms.has(enc)) forms.set(enc, urlMarker(key));
  }
  if (forms.size === 0) return text;
  const re = new RegExp([...forms.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g');
  return text.replace(re, (m) => forms.get(m)!);
}

/** Markers back to the values they stand for; one naming an unknown key is refused. */
export function restoreText(text: string, secrets: ReadonlyMap<string, string>): string {
  return text.replace(MARKER_RE, (_m, url: string | undefined, key: string) => {
    const value = secrets.get(key);
    if (value === undefined) {
      throw new OpsdeckError('invalid_input', say('errors.config.staleMarker', { marker: marker(key) }));
    }
    return url ? encodeURIComponent(value) : value;
  });
}

function envOf(text: string): Map<string, string> {
  try {
    return parseEnvFile(text);
  } catch {
    // An invalid file still has to be shown hidden: fall back to the raw value texts.
    const env = new Map<string, string>();
    for (const s of valueSpans(text)) env.set(s.key, text.slice(s.start, s.end).replace(/^(['"])([\s\S]*)\1$/, '$2'));
    return env;
  }
}

/** An env file's text for the browser: secret-named values are markers, and so is any copy of them elsewhere. */
export function hideEnvText(text: string): string {
  const secrets = secretValues(envOf(text));
  let out = '';
  let pos = 0;
  for (const s of valueSpans(text)) {
    if (!isSecretKey(s.key) || s.end === s.start) continue;
    out += hideText(text.slice(pos, s.start), secrets) + marker(s.key);
    pos = s.end;
  }
  return out + hideText(text.slice(pos), secrets);
}

/**
 * The edited env text with its markers put back from `base`: a whole value that is still its own
 * key's marker gets the base's raw value text (quotes and escapes as written), any other marker the value.
 */
export function restoreEnvText(edited: string, base: string): string {
  const rawOf = new Map<string, string>();
  for (const s of valueSpans(base)) rawOf.set(s.key, base.slice(s.start, s.end));
  const secrets = secretValues(envOf(base));
  let out = '';
  let pos = 0;
  for (const s of valueSpans(edited)) {
    const raw = rawOf.get(s.key);
    if (raw === undefined || edited.slice(s.start, s.end) !== marker(s.key)) continue;
    out += restoreText(edited.slice(pos, s.start), secrets) + raw;
    pos = s.end;
  }
  return out + restoreText(edited.slice(pos), secrets);
}
