/**
 * Secret masking shared by the UI, the audit trail and the logs. Everything that shows a value read
 * from a stack's env file goes through here, so the rules live in one place.
 */

const MASK = '••••';
/** Below this length even the last four characters would reveal too much of the secret. */
const MIN_LENGTH_FOR_HINT = 8;
/** Shorter "secrets" (empty, "1", "no") would redact ordinary words all over a log. */
const MIN_REDACT_LENGTH = 4;

/**
 * `••••` plus the last four characters, so an operator can tell which key is configured without
 * seeing it. Short values are fully masked with a fixed-width mask so their length does not leak.
 */
export function maskSecret(value: string): string {
  if (value === '') return '';
  // Code points, not UTF-16 units: slicing through a surrogate pair would print a broken glyph.
  const chars = Array.from(value);
  if (chars.length < MIN_LENGTH_FOR_HINT) return MASK;
  return MASK + chars.slice(-4).join('');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every occurrence of each secret in `text` by its mask. One regex pass (longest secret
 * first) so a mask's visible tail can never be matched again by a shorter secret. URL-encoded
 * forms are covered too, because passwords end up percent-encoded inside DSNs and URLs.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return text === '' ? text : secretRedactor(secrets)(text);
}

/**
 * Names whose values are credentials. `*_FILE` variables hold a path to a secret (the Docker
 * secrets convention), not the secret itself, and showing the path helps debugging.
 */
const SECRET_NAME =
  /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|KEY$|PRIVATE|DSN|CREDENTIAL|(^|_)PWD$|(^|_)PASS$|DATABASE_URL|CONNECTION_STRING|COOKIE/i;

export function isSecretKey(name: string): boolean {
  if (/_FILE$/i.test(name)) return false;
  return SECRET_NAME.test(name);
}

export interface MaskedEnvEntry {
  key: string;
  value: string;
  /** True when the value shown is not the real value. */
  masked: boolean;
}

/** Hides the password in `scheme://user:password@host` URLs that sit under innocent names. */
function maskUrlPassword(value: string): string {
  return value.replace(
    /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]+)(@)/gi,
    (_m, head: string, password: string, at: string) => head + maskSecret(password) + at,
  );
}

/**
 * The env-file view shown in the UI. Secret-named keys are masked; every other value is scrubbed
 * of those same secrets (`X=${POSTGRES_PASSWORD}` would otherwise leak it under a harmless name)
 * and of passwords embedded in URLs.
 */
export function maskEnv(env: ReadonlyMap<string, string> | Readonly<Record<string, string>>): MaskedEnvEntry[] {
  const entries: [string, string][] = env instanceof Map ? [...env.entries()] : Object.entries(env);
  const secrets = entries.filter(([k]) => isSecretKey(k)).map(([, v]) => v);
  return entries.map(([key, value]) => {
    if (isSecretKey(key)) return { key, value: maskSecret(value), masked: value !== '' };
    const scrubbed = maskUrlPassword(redactSecrets(value, secrets));
    return { key, value: scrubbed, masked: scrubbed !== value };
  });
}

/**
 * redactSecrets compiled once, for text that flows line by line (container logs): the same masks
 * and URL-encoded forms, without rebuilding the pattern per call. Returns the identity when there
 * is nothing to hide.
 */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const masks = new Map<string, string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_REDACT_LENGTH) continue;
    const mask = maskSecret(secret);
    masks.set(secret, mask);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && !masks.has(encoded)) masks.set(encoded, mask);
  }
  if (masks.size === 0) return (text) => text;
  const re = new RegExp([...masks.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(re, (match) => masks.get(match) ?? MASK);
}
