import type { LogLevel } from './types';

/**
 * The level of a plain-text log line. Without one the level filter hid every line of PostgreSQL,
 * of Go's and Node's default output and of logfmt apps, which are exactly the lines that say why
 * something failed. Only the head of the line is looked at: the level sits there in every
 * convention below, and a message that merely mentions "error" further on stays unlevelled.
 */
const HEAD = 160;

const WORDS: Record<string, LogLevel> = {
  trace: 'trace', trac: 'trace',
  debug: 'debug', debu: 'debug', dbg: 'debug',
  info: 'info', information: 'info', notice: 'info', log: 'info',
  warn: 'warn', warning: 'warn',
  error: 'error', erro: 'error', err: 'error',
  fatal: 'fatal', fata: 'fatal', panic: 'fatal', pani: 'fatal', crit: 'fatal', critical: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal',
};

const word = (w: string): LogLevel | null => WORDS[w.toLowerCase()] ?? null;

// PostgreSQL: "2024-05-01 12:00:00.123 UTC [57] FATAL:  password authentication failed …"; DEBUG1-5 too.
const PG = /(?:^|\s)(DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC):\s/;
// logfmt and Go's slog text handler: "time=… level=WARN msg=…".
const LOGFMT = /(?:^|\s)(?:level|lvl|severity)="?([A-Za-z]{3,11})\b/;
// logrus on a terminal: "ERRO[0001] message".
const LOGRUS = /^(TRAC|DEBU|INFO|WARN|ERRO|FATA|PANI)\[/;
// Go runtime crashes and log.Fatal's usual wording.
const GO_CRASH = /^(?:panic: |fatal error: |goroutine \d+ \[)/;
// Node: "TypeError: x is undefined", a stack frame, "(node:1) Warning: …", an unhandled rejection.
const NODE_ERROR = /^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)(?: \[\w+\])?: /;
const NODE_FRAME = /^\s+at (?:async )?\S.*(?:\(.+:\d+:\d+\)|:\d+:\d+)$/;
const NODE_WARNING = /^\(node:\d+\) (?:\[\w+\] )?(\w*Warning):/;
// A level token near the start: "[ERROR]", "ERROR ", nginx's "[error]", zap's tab-separated "\tWARN\t".
const TOKEN_UPPER = /(?:^|[\s[|])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|PANIC|EMERG|ALERT)(?=[\]\s:|]|$)/;
const TOKEN_BRACKET = /\[(trace|debug|info|notice|warn|warning|error|crit|alert|emerg)\]/i;

export function detectTextLevel(text: string): LogLevel | null {
  const head = text.length > HEAD ? text.slice(0, HEAD) : text;
  let m = PG.exec(head);
  if (m) return word(m[1].replace(/\d$/, ''));
  m = LOGFMT.exec(head);
  if (m && word(m[1])) return word(m[1]);
  m = LOGRUS.exec(head);
  if (m) return word(m[1]);
  if (GO_CRASH.test(head)) return 'fatal';
  if (NODE_WARNING.test(head)) return 'warn';
  if (NODE_ERROR.test(head) || NODE_FRAME.test(text)) return 'error';
  m = TOKEN_UPPER.exec(head) ?? TOKEN_BRACKET.exec(head);
  return m ? word(m[1]) : null;
}
