import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authSecret } from './auth-secret';
import { verifyCredentials } from './users';
import { clientIpFrom } from './client-ip';
import { createSession, endSession } from './sessions';
import { DEVICE_COOKIE, DEVICE_MAX_AGE_S, deviceCookieFrom, issueDeviceCookie } from './trusted-device';
import { recordAudit } from '@/lib/audit';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';

/**
 * After the right password: this browser becomes a trusted device of the account (a fresh cookie
 * each time, so the newest sign-in's account is the one it names). Set through Next's cookie store,
 * which adds it to the sign-in response.
 */
async function rememberDevice(user: { id: number; username: string }): Promise<void> {
  const { cookies } = await import('next/headers');
  const secure = (process.env.NEXTAUTH_URL ?? '').startsWith('https://');
  (await cookies()).set(DEVICE_COOKIE, issueDeviceCookie(user), { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: DEVICE_MAX_AGE_S });
}

/**
 * next-auth with username/password. The JWT carries only the user id and the user's
 * session_version; every request re-checks both against the store (session-check), which is how a
 * password or role change, a disabled account or a deleted user ends existing sessions at once.
 */
export function authOptions(): AuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Opsdeck',
        credentials: { username: { label: 'Username', type: 'text' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const username = String(credentials?.username ?? '').slice(0, 100);
          const password = String(credentials?.password ?? '').slice(0, 1000);
          const ip = clientIpFrom(req?.headers ?? {});
          const headers = (req?.headers ?? {}) as Record<string, string | string[] | undefined>;
          try {
            const user = await verifyCredentials(username, password, ip, Date.now(), deviceCookieFrom(headers.cookie));
            await rememberDevice(user);
            recordAudit({ actor: user.username, role: user.role, ip, action: 'auth.sign-in', result: 'ok' });
            return { id: String(user.id), name: user.username, sv: user.sessionVersion, role: user.role };
          } catch (e) {
            recordAudit({ actor: username || '(empty)', role: null, ip, action: 'auth.sign-in', result: 'denied', detail: isOpsdeckError(e) ? e.code : 'error' });
            // next-auth hands a thrown message to the sign-in page as `error`; keep it the safe one.
            throw new Error(userMessageOf(e));
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const u = user as { id: string; sv?: number };
          token.uid = Number(u.id);
          token.sv = u.sv;
        }
        // A fresh sign-in gets its own server-side session row; the token only names it.
        if (user && typeof token.uid === 'number') token.sid = createSession(token.uid);
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid, sv: token.sv, sid: token.sid };
      },
    },
    events: {
      // Signing out ends the session on the server too: a copy of the cookie stops working.
      async signOut({ token }) {
        endSession((token as { sid?: unknown } | null)?.sid);
      },
    },
  };
}
