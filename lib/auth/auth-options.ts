import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authSecret } from './auth-secret';
import { verifyCredentials } from './users';
import { clientIpFrom } from './client-ip';
import { oidcConfig, oidcProvider, OIDC_PROVIDER_ID } from './oidc';
import { oidcSessionFor, signInWithOidc } from './oidc-users';
import { checkSecondFactor, SECOND_FACTOR_NEEDED } from './second-factor';
import { recordAudit } from '@/lib/audit';
import { isOpsdeckError, userMessageOf } from '@/lib/errors';

/**
 * next-auth with username/password (plus a TOTP or recovery code once the user turned two-factor
 * on) and, when configured, OIDC. The JWT carries only the user id and the user's session_version;
 * every request re-checks both against the store (session-check), which is how a password or role
 * change, a disabled account or a deleted user ends existing sessions at once.
 */
export function authOptions(): AuthOptions {
  const oidc = oidcConfig();
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Opsdeck',
        credentials: { username: { label: 'Username', type: 'text' }, password: { label: 'Password', type: 'password' }, code: { label: 'Code', type: 'text' } },
        async authorize(credentials, req) {
          const username = String(credentials?.username ?? '').slice(0, 100);
          const password = String(credentials?.password ?? '').slice(0, 1000);
          const code = String(credentials?.code ?? '').trim().slice(0, 40);
          const ip = clientIpFrom(req?.headers ?? {});
          try {
            const user = await verifyCredentials(username, password, ip);
            const factor = await checkSecondFactor(user, code, ip);
            if (factor === SECOND_FACTOR_NEEDED) throw new Error(SECOND_FACTOR_NEEDED);
            recordAudit({ actor: user.username, role: user.role, ip, action: 'auth.sign-in', result: 'ok', detail: factor ?? undefined });
            return { id: String(user.id), name: user.username, sv: user.sessionVersion, role: user.role };
          } catch (e) {
            if (e instanceof Error && e.message === SECOND_FACTOR_NEEDED) throw e;
            recordAudit({ actor: username || '(empty)', role: null, ip, action: 'auth.sign-in', result: 'denied', detail: isOpsdeckError(e) ? e.code : 'error' });
            // next-auth hands a thrown message to the sign-in page as `error`; keep it the safe one.
            throw new Error(userMessageOf(e));
          }
        },
      }),
      ...(oidc ? [oidcProvider(oidc)] : []),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID || !oidc) return true;
        const result = await signInWithOidc(oidc, (profile ?? {}) as Record<string, unknown>);
        recordAudit({
          actor: result.username,
          role: result.ok ? result.role : null,
          ip: null,
          action: 'auth.sign-in',
          result: result.ok ? 'ok' : 'denied',
          detail: result.ok ? `oidc${result.created ? ', user created' : ''}` : `oidc: ${result.reason}`,
        });
        // A relative URL is where next-auth sends the browser instead: the sign-in page says why.
        return result.ok ? true : `/signin?error=${encodeURIComponent(result.reason === 'no-role' ? 'OidcNoRole' : result.reason === 'disabled' ? 'OidcDisabled' : 'OidcFailed')}`;
      },
      async jwt({ token, user, account }) {
        if (account?.provider === OIDC_PROVIDER_ID && oidc) {
          const s = oidcSessionFor(oidc.issuer, account.providerAccountId);
          token.uid = s?.uid;
          token.sv = s?.sv;
        } else if (user) {
          const u = user as { id: string; sv?: number };
          token.uid = Number(u.id);
          token.sv = u.sv;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid, sv: token.sv };
      },
    },
  };
}
