import 'server-only';
import type { z } from 'zod';
import type { Role } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit';
import { errorBody, httpStatusOf, isOpsdeckError, OpsdeckError, refusalBody, type ErrorCode } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { getStack, type Stack } from '@/lib/stacks';
import { crossSiteRefusal } from '@/lib/auth/same-origin';
import { stackNameSchema } from './input-schemas';
import { checkRole, requestIp, type SessionUser } from './session';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** Server-Sent Events as every stream route serves them: unbuffered by proxies (X-Accel-Buffering). */
export function sseResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' },
  });
}

/**
 * The check every route handler (SSE streams and downloads included) runs first, itself: never
 * rely on middleware/proxy. Returns the user, or a ready 401/403 JSON response to return as is.
 * A request that changes something (any method but GET/HEAD/OPTIONS) must also come from Opsdeck's
 * own pages (lib/auth/same-origin.ts): the request is a required argument so no handler can skip it.
 */
export async function guardRoute(role: Role, action: string, request: Request): Promise<{ user: SessionUser; ip: string } | Response> {
  const gate = await checkRole(role);
  const ip = await requestIp();
  const crossSite = crossSiteRefusal(request.method, request.headers);
  if (crossSite) {
    recordAudit({ actor: gate.user?.username ?? '(anonymous)', role: gate.user?.role ?? null, ip, action, result: 'denied', detail: crossSite.text });
    return Response.json(refusalBody(crossSite), { status: 403, headers: NO_STORE });
  }
  if (gate.ok) return { user: gate.user, ip };
  if (gate.user) recordAudit({ actor: gate.user.username, role: gate.user.role, ip, action, result: 'denied', detail: gate.message });
  return Response.json(refusalBody(gate.said), { status: gate.status, headers: NO_STORE });
}

/**
 * A route input (path param, header, query value) through its zod schema. A refusal is a typed
 * error, so it answers like any other through errorResponse: `not_found` for a path naming
 * nothing that can exist, `invalid_input` for the rest.
 */
export function parseRouteInput<S extends z.ZodType>(schema: S, value: unknown, refusal: { code: ErrorCode; message: string | Said }): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new OpsdeckError(refusal.code, refusal.message, { detail: parsed.error.issues[0]?.message });
  return parsed.data;
}

/** The stack a `[name]` path segment names: shape checked by the shared schema, then looked up. */
export function stackFromParam(name: string): Stack {
  const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
  return getStack(parseRouteInput(stackNameSchema, name, { code: 'not_found', message: say('errors.route.noStack', { name: shown }) }));
}

/** The one way a thrown error becomes a route's answer: the safe message, the shared status table. */
export function errorResponse(e: unknown, where: string): Response {
  if (!isOpsdeckError(e)) console.error(`[${where}]`, e);
  return Response.json(errorBody(e), { status: httpStatusOf(e), headers: NO_STORE });
}
