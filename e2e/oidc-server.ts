import type { Server } from 'node:http';

/**
 * A real OpenID Provider (npm `oidc-provider`) on a loopback port for the OIDC sign-in e2e, with its
 * development login form (any login name; the password is not checked) and one client: Opsdeck.
 * Accounts' groups come from their login name: "idp-admin" is in ops-admins, "idp-operator" in
 * ops, anyone else in no group Opsdeck maps. (Names no other e2e test gives a local user.)
 */
export const OIDC_CLIENT = { id: 'opsdeck-e2e', secret: 'e2e-oidc-client-secret-0123456789' };
export const OIDC_ROLE_MAP = 'ops-admins=admin,ops=operator';
const GROUPS: Record<string, string[]> = { 'idp-admin': ['ops-admins', 'staff'], 'idp-operator': ['ops'] };

export async function startOidcServer(opts: { port: number; opsdeckUrl: string }): Promise<{ issuer: string; close: () => Promise<void> }> {
  const { default: Provider } = await import('oidc-provider');
  const issuer = `http://127.0.0.1:${opts.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT.id,
        client_secret: OIDC_CLIENT.secret,
        redirect_uris: [`${opts.opsdeckUrl}/api/auth/callback/oidc`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // Claims of the granted scopes go into the ID token too: next-auth reads the groups from it.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'groups'], email: ['email'] },
    cookies: { keys: ['e2e-oidc-cookie-key-0123456789abcdef'] },
    // Short, explicit lifetimes (and no notices about the defaults in the test output).
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: `sub-${id}`, preferred_username: id, name: id, email: `${id}@example.test`, groups: GROUPS[id] ?? ['unmapped'] }),
    }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(opts.port, '127.0.0.1', () => resolve(s));
  });
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Next to Opsdeck's e2e port, so parallel e2e runs on other ports do not collide. */
export const oidcPort = () => Number(process.env.E2E_OIDC_PORT ?? Number(process.env.E2E_PORT ?? 3210) + 9);
