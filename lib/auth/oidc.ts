/**
 * OIDC sign-in (Keycloak, Authentik, Azure AD, Google…) configured by environment variables:
 *
 *   OPSDECK_OIDC_ISSUER            the issuer URL (its /.well-known/openid-configuration is read)
 *   OPSDECK_OIDC_CLIENT_ID
 *   OPSDECK_OIDC_CLIENT_SECRET     or OPSDECK_OIDC_CLIENT_SECRET_FILE
 *   OPSDECK_OIDC_ROLE_MAP          group=role pairs, e.g. "ops-admins=admin,ops=operator,staff=viewer"
 *   OPSDECK_OIDC_GROUPS_CLAIM      the ID token claim holding the groups (default "groups"; a dotted
 *                                  path such as "realm_access.roles" reaches into an object)
 *   OPSDECK_OIDC_NAME              the sign-in button's label (default "single sign-on")
 *
 * The role comes from the groups on every sign-in (the highest mapped one wins); a user in no mapped
 * group is refused. Users are matched by issuer + subject, never by username or e-mail.
 */
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { envOrFile } from '@/lib/env-secret';
import { isRole, ROLE_RANK, type Role } from '@/lib/auth/roles';

export const OIDC_PROVIDER_ID = 'oidc';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  groupsClaim: string;
  roleMap: ReadonlyMap<string, Role>;
  label: string;
}

export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const group = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !group || !isRole(role)) throw new Error(`OPSDECK_OIDC_ROLE_MAP: "${pair}" is not group=viewer|operator|admin.`);
    map.set(group, role);
  }
  return map;
}

/** The configuration, or null when OIDC is not set up. Half a configuration is an error, not "off". */
export function oidcConfig(env: Readonly<Record<string, string | undefined>> = process.env): OidcConfig | null {
  const issuer = env.OPSDECK_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  const clientId = env.OPSDECK_OIDC_CLIENT_ID?.trim();
  const clientSecret = envOrFile('OPSDECK_OIDC_CLIENT_SECRET', env);
  const roleMap = parseRoleMap(env.OPSDECK_OIDC_ROLE_MAP ?? '');
  if (!clientId || !clientSecret) throw new Error('OPSDECK_OIDC_ISSUER is set: set OPSDECK_OIDC_CLIENT_ID and OPSDECK_OIDC_CLIENT_SECRET (or _FILE) too.');
  if (roleMap.size === 0) throw new Error('OPSDECK_OIDC_ISSUER is set: set OPSDECK_OIDC_ROLE_MAP (e.g. "ops-admins=admin"), or nobody could sign in with it.');
  return {
    issuer: issuer.replace(/\/+$/, ''),
    clientId,
    clientSecret,
    groupsClaim: env.OPSDECK_OIDC_GROUPS_CLAIM?.trim() || 'groups',
    roleMap,
    label: env.OPSDECK_OIDC_NAME?.trim() || 'single sign-on',
  };
}

/** The groups in the claims, wherever the claim path points (array, or one string). */
export function groupsFrom(claims: Record<string, unknown>, claimPath: string): string[] {
  let value: unknown = claims;
  for (const key of claimPath.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/** The highest role any of the groups maps to, or null. */
export function roleForGroups(groups: readonly string[], roleMap: ReadonlyMap<string, Role>): Role | null {
  let best: Role | null = null;
  for (const g of groups) {
    const role = roleMap.get(g);
    if (role && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  }
  return best;
}

export interface OidcProfile extends Record<string, unknown> {
  sub: string;
  preferred_username?: string;
  email?: string;
  name?: string;
}

/** next-auth's OAuth provider in OIDC mode: discovery, PKCE + state + nonce, ID token checked. */
export function oidcProvider(cfg: OidcConfig): OAuthConfig<OidcProfile> {
  return {
    id: OIDC_PROVIDER_ID,
    name: cfg.label,
    type: 'oauth',
    wellKnown: `${cfg.issuer}/.well-known/openid-configuration`,
    issuer: cfg.issuer,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    authorization: { params: { scope: 'openid profile email' } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    profile: (p) => ({ id: p.sub, name: p.preferred_username ?? p.name ?? p.email ?? p.sub, email: p.email ?? null }),
  };
}
