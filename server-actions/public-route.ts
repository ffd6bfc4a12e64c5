/**
 * Handlers that need no sign-in. Kept apart from guarded-route.ts on purpose: importing nothing,
 * a public route (/api/health, /api/ready, polled from the first second by orchestrators) does not
 * load next-auth, the audit log, API tokens and TOTP with the wrapper (issue 18: each route loads
 * its own copy of the chunks it imports).
 */

/** A handler anyone may call (liveness, readiness, next-auth's own endpoints): says why. */
export interface PublicRule {
  public: string;
}

/** Marks a handler that needs no sign-in, with the reason, so the matrix test knows it is meant. */
export function publicRoute<H extends (...args: never[]) => unknown>(why: string, handler: H): H & { rule: PublicRule } {
  return Object.assign(handler, { rule: { public: why } });
}
