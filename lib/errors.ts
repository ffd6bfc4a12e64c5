import type { Locale } from '@/lib/i18n/locales';
import type { Said } from '@/lib/i18n/said';
import { say, sayIn } from '@/lib/i18n/server-text';

/**
 * Typed errors thrown by lib/. Each carries a message that is safe to show a user; the raw cause
 * (a dockerode or pg error, a stack trace) stays on the server in `detail` and is never serialized.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'docker_unavailable'
  | 'database_unavailable'
  | 'config_invalid'
  | 'rate_limited'
  /** The disk that was being written is full (nothing partial is kept). */
  | 'storage_full'
  | 'internal';

export class OpsdeckError extends Error {
  readonly code: ErrorCode;
  /** Technical detail for the server log and the "details" disclosure; must already be masked. */
  readonly detail?: string;
  /** The message as keyed text (`say(…)`), so the page can show it in the reader's language. */
  readonly said?: Said;

  constructor(code: ErrorCode, userMessage: string | Said, opts: { detail?: string; cause?: unknown } = {}) {
    super(typeof userMessage === 'string' ? userMessage : userMessage.text, { cause: opts.cause });
    this.name = 'OpsdeckError';
    this.code = code;
    this.detail = opts.detail;
    if (typeof userMessage !== 'string') this.said = userMessage;
  }
}

export const isOpsdeckError = (e: unknown): e is OpsdeckError => e instanceof OpsdeckError;

/** The one way an unknown error becomes text for the browser: typed errors keep their message. */
export function userMessageOf(e: unknown): string {
  return saidOf(e).text;
}

/** The same message as keyed text: an unkeyed typed error keeps its English in every language. */
export function saidOf(e: unknown): Said | { text: string } {
  if (!isOpsdeckError(e)) return say('errors.unexpected');
  return e.said ?? { text: e.message };
}

/** The message as a parameter of other keyed text (a notification's "Started by …" line). */
export function userSaidOf(e: unknown): Said | string {
  const s = saidOf(e);
  return 'key' in s ? s : s.text;
}

/**
 * A route's JSON error answer: the English `error` every API client reads (unchanged), and beside
 * it the keyed text (`said`) so the page that shows it renders it in the reader's language.
 */
export function errorBody(e: unknown): { error: string; said?: Said } {
  return refusalBody(saidOf(e));
}

/** The same for a refusal that is no thrown error (a gate, the cross-site check). */
export function refusalBody(said: Said | { text: string }): { error: string; said?: Said } {
  return 'key' in said ? { error: said.text, said } : { error: said.text };
}

/** The message in the reader's language (server actions: the request's). */
export function userMessageIn(e: unknown, locale: Locale): string {
  return sayIn(locale, saidOf(e));
}

/**
 * The HTTP status of an error, for every route handler: a typed error's code decides, anything
 * else is a 500. One table, so the same failure answers the same way on every endpoint.
 */
const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  storage_full: 507,
  config_invalid: 500,
  internal: 500,
  docker_unavailable: 503,
  database_unavailable: 503,
};

export function httpStatusOf(e: unknown): number {
  return isOpsdeckError(e) ? HTTP_STATUS[e.code] : 500;
}
