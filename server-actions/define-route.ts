import 'server-only';
import type { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { errorBody, httpStatusOf, isOpsdeckError, refusalBody, userMessageOf } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { issueSaid } from '@/lib/i18n/zod-said';
import { guarded, type RouteGate, type RouteRule } from './guarded-route';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** What a route's input is built from; the body is read only when asked for. */
export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Headers;
  json: () => Promise<Record<string, unknown>>;
}

/** A JSON answer, or a Response of the handler's own (a file stream). */
export type RouteOutput = Response | { status?: number; body: unknown; detail?: string };

interface RouteSpec<S extends z.ZodType> {
  rule: RouteRule;
  /** Gathers the raw input from the path, the query, the headers or the JSON body; `schema` checks it. */
  input: (req: RouteRequest) => unknown;
  schema: S;
  /** What the audit record names (stack, target), never a secret. */
  describe?: (input: z.infer<S>) => { stack?: string; target?: string };
  /** Changes are audited; a read only when it says so (a download is). */
  audit?: boolean;
  run: (input: z.infer<S>, ctx: { gate: RouteGate; request: Request }) => Promise<RouteOutput>;
}

/**
 * The route handlers' counterpart of defineAction: the rule (session or API token, role, stack
 * scope) is checked by `guarded`, then the input is parsed with zod, the handler runs, every failure
 * answers with its message and the status of the one table in lib/errors, and changes are audited.
 */
export function defineRoute<S extends z.ZodType>(spec: RouteSpec<S>) {
  return guarded(spec.rule, async (request: Request, ctx: { params: Promise<Record<string, string>> }, gate) => {
    const params = ((await ctx?.params) ?? {}) as Record<string, string>;
    const audited = spec.audit ?? (request.method !== 'GET' && request.method !== 'HEAD');
    const base = { actor: gate.user.username, role: gate.user.role, ip: gate.ip, action: spec.rule.action, stack: params.name };
    const parsed = spec.schema.safeParse(await spec.input({
      params,
      query: new URL(request.url).searchParams,
      headers: request.headers,
      json: async () => (await request.json().catch(() => ({}))) as Record<string, unknown>,
    }));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const said = issue ? issueSaid(issue) : say('errors.route.badRequest');
      const body = refusalBody(typeof said === 'string' ? { text: said } : said);
      if (audited) recordAudit({ ...base, result: 'error', detail: body.error });
      return Response.json(body, { status: 400, headers: NO_STORE });
    }
    const about = { ...base, ...(spec.describe?.(parsed.data) ?? {}) };
    try {
      const out = await spec.run(parsed.data, { gate, request });
      if (audited) recordAudit({ ...about, result: 'ok', detail: out instanceof Response ? undefined : out.detail });
      return out instanceof Response ? out : Response.json(out.body, { status: out.status ?? 200, headers: NO_STORE });
    } catch (e) {
      if (!isOpsdeckError(e)) console.error(`[route ${spec.rule.action}]`, e);
      // A wrong or throttled password confirmation is a refusal, recorded as such.
      const denied = isOpsdeckError(e) && (e.code === 'unauthenticated' || e.code === 'rate_limited');
      if (audited) recordAudit({ ...about, result: denied ? 'denied' : 'error', detail: userMessageOf(e) });
      // The caller passed the gate, so "unauthenticated" here is a failed confirmation of their own
      // password: refused (403), not a prompt to sign in (401).
      const status = isOpsdeckError(e) && e.code === 'unauthenticated' ? 403 : httpStatusOf(e);
      return Response.json(errorBody(e), { status, headers: NO_STORE });
    }
  });
}
