import 'server-only';
import { recordAudit } from '@/lib/audit';
import { authenticateBearer, tokenCoversStack, type TokenPrincipal } from '@/lib/auth/api-tokens';
import { clientIpFrom } from '@/lib/auth/client-ip';
import { hasRole, type Role } from '@/lib/auth/roles';
import { mustEnrolTwoFactor } from '@/lib/auth/totp';
import { getJob } from '@/lib/jobs';
import { refusalBody } from '@/lib/errors';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';
import { jobIdSchema } from './input-schemas';
import { guardRoute } from './route-guard';
import { sessionRecheck, type SessionUser } from './session';

/**
 * The rule a route handler declares: the audit name, the least role, and which stack the request
 * acts on (the `[name]` path segment, or the stack of the job in `[id]`), which an API token's
 * stack list must cover. Attached to the exported handler as `.rule`, so the authorization matrix
 * test reads it from the code and a handler without one fails that test.
 */
export interface RouteRule {
  action: string;
  /** A role, or one that depends on the path (a per-stack setting, e.g. who may download backups). */
  role: Role | ((params: Record<string, string>) => Role);
  stack?: 'name' | 'job';
}
export interface RouteGate {
  user: SessionUser;
  ip: string;
  /** Set when the caller is an API token rather than a browser session. */
  token: TokenPrincipal['token'] | null;
  /** For a response that outlives its request (a stream): a re-check of the same credential. */
  recheck: () => Promise<() => boolean>;
}

type Params = Promise<Record<string, string | string[] | undefined>>;
const NO_STORE = { 'Cache-Control': 'no-store' };

async function stackOf(rule: RouteRule, params: Params | undefined): Promise<string | null> {
  if (!rule.stack || !params) return null;
  const p = await params;
  if (rule.stack === 'name') return typeof p.name === 'string' ? p.name : null;
  const id = jobIdSchema.safeParse(p.id);
  return id.success ? (getJob(id.data)?.stack ?? null) : null;
}

function refuse(status: 401 | 403, said: Said): Response {
  return Response.json(refusalBody(said), { status, headers: status === 401 ? { ...NO_STORE, 'WWW-Authenticate': 'Bearer' } : NO_STORE });
}

/**
 * A bearer token's turn at the gate. A token is no ambient credential (a browser never adds it by
 * itself, unlike the session cookie), so a cross-site page cannot make a request carry one: the
 * same-origin rule of session requests (guardRoute) is not needed here. Every check reads the
 * store afresh.
 */
async function admitToken(rule: RouteRule & { role: Role }, header: string, request: Request, params: Params | undefined): Promise<RouteGate | Response> {
  const ip = clientIpFrom(request.headers);
  const found = authenticateBearer(header);
  if ('refused' in found) {
    recordAudit({ actor: found.username ?? '(api token)', role: null, ip, action: rule.action, target: found.name ? `token ${found.name}` : undefined, result: 'denied', detail: `API token ${found.refused}` });
    return refuse(401, say('errors.route.tokenInvalid'));
  }
  const denied = (said: Said) => {
    recordAudit({ actor: found.user.username, role: found.user.role, ip, action: rule.action, target: `token ${found.token.name}`, result: 'denied', detail: said.text });
    return refuse(403, said);
  };
  if (!hasRole(found.user.role, rule.role)) return denied(say('errors.route.tokenNeedsRole', { required: rule.role, role: found.user.role }));
  if (mustEnrolTwoFactor(found.user)) return denied(say('errors.route.tokenOwnerTwoFactor'));
  const stack = await stackOf(rule, params);
  if (stack !== null && !tokenCoversStack(found, stack)) return denied(say('errors.route.tokenNotForStack', { stack: stack.slice(0, 60) }));
  const recheck = async () => () => {
    const again = authenticateBearer(header);
    return !('refused' in again) && hasRole(again.user.role, rule.role);
  };
  // Changes made with a token say so in the audit log (the handler's own record names the user).
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    recordAudit({ actor: found.user.username, role: found.user.role, ip, action: 'api-token.use', stack: stack ?? undefined, target: `token ${found.token.name}`, result: 'ok', detail: rule.action });
  }
  return { user: found.user, ip, token: found.token, recheck };
}

/** Wraps a route handler: its rule is checked first (session or bearer token), then the handler runs. */
export function guarded<P>(rule: RouteRule, handler: (request: Request, ctx: { params: Promise<P> }, gate: RouteGate) => Promise<Response>) {
  const route = async (request: Request, ctx: { params: Promise<P> }): Promise<Response> => {
    const authorization = request.headers.get('authorization');
    const role = typeof rule.role === 'function' ? rule.role(((await ctx?.params) ?? {}) as Record<string, string>) : rule.role;
    let gate: RouteGate | Response;
    if (authorization && /^bearer\s/i.test(authorization)) {
      gate = await admitToken({ ...rule, role }, authorization, request, ctx?.params as Params | undefined);
    } else {
      const session = await guardRoute(role, rule.action, request);
      gate = session instanceof Response ? session : { ...session, token: null, recheck: () => sessionRecheck(role) };
    }
    return gate instanceof Response ? gate : handler(request, ctx, gate);
  };
  return Object.assign(route, { rule });
}
