import 'server-only';
import { getServerSession } from 'next-auth';
import { cookies, headers } from 'next/headers';
import { authOptions } from '@/lib/auth/auth-options';
import { loadSessionUser } from '@/lib/auth/session-check';
import { clientIpFrom } from '@/lib/auth/client-ip';
import { hasRole, type Role } from '@/lib/auth/roles';
import { mustEnrolTwoFactor } from '@/lib/auth/totp';
import { LOCALE_COOKIE, pickLocale, type Locale } from '@/lib/i18n/locales';
import type { Said } from '@/lib/i18n/said';
import { say } from '@/lib/i18n/server-text';

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  sessionId?: string;
}

/**
 * The signed-in user, re-read from the store on every call so a revoked session (password or role
 * changed, user disabled or deleted) stops working immediately, not when its cookie expires.
 */
export async function currentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { uid?: number; sv?: number; sid?: string } | null;
  if (!session?.uid || !session.sv) return null;
  return loadSessionUser(session.uid, session.sv, session.sid);
}

export type Gate = { ok: true; user: SessionUser } | { ok: false; status: 401 | 403; user: SessionUser | null; message: string; said: Said };

const refusal = (said: Said) => ({ message: said.text, said });

/**
 * Used by the action wrapper, by every route handler and by pages: one check everywhere.
 * `beforeTwoFactor` lets through an admin who OPSDECK_REQUIRE_2FA still sends to enrol (only the
 * enrolment page and its actions pass it).
 */
export async function checkRole(required: Role, opts: { beforeTwoFactor?: boolean } = {}): Promise<Gate> {
  const user = await currentUser();
  if (!user) return { ok: false, status: 401, user: null, ...refusal(say('errors.signedOut')) };
  if (!opts.beforeTwoFactor && mustEnrolTwoFactor(user)) {
    return { ok: false, status: 403, user, ...refusal(say('errors.twoFactorFirst')) };
  }
  if (!hasRole(user.role, required)) {
    return { ok: false, status: 403, user, ...refusal(say('errors.needsRole', { required, role: user.role })) };
  }
  return { ok: true, user };
}

/**
 * For a response that outlives its request (a log stream): re-checks the same session later, with
 * no request around it. False once the user is disabled, deleted, demoted below `required`, or
 * their session version changed (password changed by an admin), or the session was ended
 * (signed out, signed out everywhere, own password changed elsewhere).
 */
export async function sessionRecheck(required: Role): Promise<() => boolean> {
  const session = (await getServerSession(authOptions())) as { uid?: number; sv?: number; sid?: string } | null;
  return recheckFor(session?.uid, session?.sv, required, session?.sid);
}

/** The re-check itself, for a session's user id and version (tested without a request). */
export function recheckFor(uid: unknown, sv: unknown, required: Role, sid: unknown): () => boolean {
  return () => {
    const user = loadSessionUser(uid, sv, sid);
    return user !== null && hasRole(user.role, required);
  };
}

/** The reader's language, chosen as the pages choose it (i18n/request.ts): their setting, else the browser's. */
export async function requestLocale(): Promise<Locale> {
  return pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get('accept-language'));
}

export async function requestIp(): Promise<string> {
  return clientIpFrom(await headers());
}
