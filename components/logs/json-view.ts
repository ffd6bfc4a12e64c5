import { stripAnsi } from './ansi';

/** JSON log lines made readable: the message first, then the other fields as key=value. */
const MESSAGE_KEYS = ['msg', 'message', 'event'];
const SKIP_KEYS = new Set(['time', 'timestamp', 'ts', '@timestamp', 'level', 'lvl', 'severity', 'loglevel', 'log.level']);

export function parseJsonObject(text: string): Record<string, unknown> | null {
  if (text.charCodeAt(0) !== 123) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const show = (v: unknown) => (typeof v === 'string' ? (/[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v));

/** One-line readable form, or null when the line is not a JSON object. */
export function readableJson(text: string): string | null {
  const obj = parseJsonObject(text);
  if (!obj) return null;
  const msgKey = MESSAGE_KEYS.find((k) => typeof obj[k] === 'string');
  const parts: string[] = [];
  if (msgKey) parts.push(obj[msgKey] as string);
  for (const [k, v] of Object.entries(obj)) {
    if (k === msgKey || SKIP_KEYS.has(k)) continue;
    parts.push(`${k}=${show(v)}`);
  }
  return parts.join('  ');
}

/** What a row shows (and search matches): JSON lines readably, others without escape sequences. */
export function displayText(text: string, level: string | null): { text: string; json: boolean } {
  if (level !== null || text.charCodeAt(0) === 123) {
    const json = readableJson(text);
    if (json !== null) return { text: json, json: true };
  }
  return { text: stripAnsi(text), json: false };
}
