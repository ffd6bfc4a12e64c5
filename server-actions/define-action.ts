import 'server-only';
import { z } from 'zod';
import type { Role } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit';
import { isOpsdeckError, userMessageIn, userMessageOf } from '@/lib/errors';
import { say, sayIn } from '@/lib/i18n/server-text';
import type { Said } from '@/lib/i18n/said';
import { issueSaid } from '@/lib/i18n/zod-said';
import { checkRole, requestIp, requestLocale, type SessionUser } from './session';

export type ActionResult<T = unknown> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; status?: 401 | 403 };

export interface ActionContext {
  user: SessionUser;
  ip: string;
}

interface ActionSpec<S extends z.ZodType, T> {
  /** Audit action name, e.g. "users.create". */
  name: string;
  role: Role;
  /** Only for the two-factor enrolment actions: allowed while OPSDECK_REQUIRE_2FA still asks to enrol. */
  beforeTwoFactor?: boolean;
  schema: S;
  /** What the audit record names: the stack and the target of the action, never a secret. */
  describe?: (input: z.infer<S>) => { stack?: string; target?: string };
  /** The confirmation: keyed text (`say(…)`) is rendered in the reader's language here. */
  run: (input: z.infer<S>, ctx: ActionContext) => Promise<{ data: T; message?: string | Said }>;
}

function formToObject(form: FormData | Record<string, unknown>): Record<string, unknown> {
  if (!(form instanceof FormData)) return form ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) {
    if (k.startsWith('$ACTION')) continue;
    // A repeated field (checkboxes) becomes an array; a single one stays a plain value.
    out[k] = k in out ? [...(Array.isArray(out[k]) ? (out[k] as unknown[]) : [out[k]]), v] : v;
  }
  return out;
}

/**
 * Every server action is built here: session and role → zod → lib → typed result → audit record.
 * Auth cannot be forgotten because an action cannot be written without this wrapper, and errors
 * reaching the browser are only the safe messages of typed errors.
 */
export function defineAction<S extends z.ZodType, T>(spec: ActionSpec<S, T>) {
  async function action(_prev: ActionResult<T> | null, form: FormData | Record<string, unknown>): Promise<ActionResult<T>> {
    const ip = await requestIp();
    // Session only: server actions never take an API token (those are for the route handlers).
    const gate = await checkRole(spec.role, { beforeTwoFactor: spec.beforeTwoFactor });
    if (!gate.ok) {
      recordAudit({ actor: gate.user?.username ?? '(anonymous)', role: gate.user?.role ?? null, ip, action: spec.name, result: 'denied', detail: gate.message });
      return { ok: false, error: sayIn(await requestLocale(), gate.said), status: gate.status };
    }
    const parsed = spec.schema.safeParse(formToObject(form));
    if (!parsed.success) {
      const locale = await requestLocale();
      const fieldErrors: Record<string, string[]> = {};
      // A keyed schema message (lib/i18n/zod-said) in the reader's language; zod's own as it is.
      for (const issue of parsed.error.issues) {
        const said = issueSaid(issue);
        (fieldErrors[issue.path.join('.') || '_'] ??= []).push(typeof said === 'string' ? said : sayIn(locale, said));
      }
      return { ok: false, error: sayIn(locale, say('errors.invalidForm')), fieldErrors };
    }
    const input = parsed.data as z.infer<S>;
    const about = spec.describe?.(input) ?? {};
    const base = { actor: gate.user.username, role: gate.user.role, ip, action: spec.name, ...about };
    try {
      const { data, message } = await spec.run(input, { user: gate.user, ip });
      recordAudit({ ...base, result: 'ok' });
      return { ok: true, data, message: message === undefined || typeof message === 'string' ? message : sayIn(await requestLocale(), message) };
    } catch (e) {
      if (!isOpsdeckError(e)) console.error(`[action ${spec.name}]`, e);
      // A wrong or throttled password confirmation is a refusal, recorded as the route handlers record it.
      const denied = isOpsdeckError(e) && (e.code === 'unauthenticated' || e.code === 'rate_limited');
      recordAudit({ ...base, result: denied ? 'denied' : 'error', detail: userMessageOf(e) });
      // The audit log keeps English; the person who clicked reads it in their language.
      return { ok: false, error: userMessageIn(e, await requestLocale()) };
    }
  }
  // The declared rule, readable by the authorization matrix test without calling the action.
  return Object.assign(action, { rule: { name: spec.name, role: spec.role, beforeTwoFactor: spec.beforeTwoFactor === true } });
}
