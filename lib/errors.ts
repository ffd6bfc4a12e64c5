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

  constructor(code: ErrorCode, userMessage: string, opts: { detail?: string; cause?: unknown } = {}) {
    super(userMessage, { cause: opts.cause });
    this.name = 'OpsdeckError';
    this.code = code;
    this.detail = opts.detail;
  }
}

export const isOpsdeckError = (e: unknown): e is OpsdeckError => e instanceof OpsdeckError;

/** The one way an unknown error becomes text for the browser: typed errors keep their message. */
export function userMessageOf(e: unknown): string {
  return isOpsdeckError(e) ? e.message : 'Something went wrong on the server. The details are in the Opsdeck log.';
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
