import { detectTextLevel } from './text-level';
import type { LogLevel } from './types';

/**
 * The level of a JSON log line (slog, zap, logrus, pino, bunyan, winston…), found without parsing
 * the whole object: this runs on every line of a million-line read, and only lines that look like a
 * JSON object pay for the regex. The browser parses the few lines it actually shows.
 */
const LEVEL_RE = /"(?:level|lvl|severity|loglevel|log\.level)"\s*:\s*(?:"([A-Za-z]{1,12})"|(\d{1,2}))/i;

const NAMES: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  panic: 'fatal',
  alert: 'fatal',
  emergency: 'fatal',
};

/** pino / bunyan numeric levels. */
function fromNumber(n: number): LogLevel {
  if (n >= 60) return 'fatal';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}

export function detectLevel(text: string): LogLevel | null {
  // Cheap shape test first: an object on one line (trailing spaces allowed); other lines by their text.
  if (text.charCodeAt(0) !== 123 /* { */) return detectTextLevel(text);
  const m = LEVEL_RE.exec(text);
  if (!m) return null;
  if (m[2] !== undefined) return fromNumber(Number(m[2]));
  return NAMES[m[1].toLowerCase()] ?? null;
}

export const LEVEL_CODES: Record<LogLevel, string> = { trace: 't', debug: 'd', info: 'i', warn: 'w', error: 'e', fatal: 'f' };
