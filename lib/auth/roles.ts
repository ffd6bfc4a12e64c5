/**
 * Roles are strictly ordered, each including everything the lower ones can do:
 * viewer (status and logs) < operator (also restart, backup) < admin (also deploy, upgrade,
 * restore, user management).
 */
import { z } from 'zod';
import { OpsdeckError } from '@/lib/errors';
import { say } from '@/lib/i18n/server-text';
import { zodText } from '@/lib/i18n/zod-said';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { error: zodText(say('errors.users.badRole')) });

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 };

/** The minimum role for each kind of action, so callers name the action instead of hard-coding a role. */
export const ACTION_ROLE = {
  status: 'viewer',
  logs: 'viewer',
  restart: 'operator',
  backup: 'operator',
  deploy: 'admin',
  upgrade: 'admin',
  restore: 'admin',
  users: 'admin',
} as const satisfies Record<string, Role>;
export type RoleGatedAction = keyof typeof ACTION_ROLE;

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** True when `actual` is at least `required`. Unknown values (a stale token, a bad row) never pass. */
export function hasRole(actual: Role | string | null | undefined, required: Role): boolean {
  return isRole(actual) && ROLE_RANK[actual] >= ROLE_RANK[required];
}

/** Throws OpsdeckError('forbidden') unless `actual` is at least `required`. */
export function requireRole(actual: Role | string | null | undefined, required: Role): void {
  if (!hasRole(actual, required)) {
    throw new OpsdeckError('forbidden', say('errors.needsRoleOnly', { required }));
  }
}
