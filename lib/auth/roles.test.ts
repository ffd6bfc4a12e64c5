import { describe, expect, it } from 'vitest';
import { ACTION_ROLE, hasRole, requireRole, ROLE_RANK, roleSchema } from '@/lib/auth/roles';

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(ROLE_RANK.viewer).toBeLessThan(ROLE_RANK.operator);
    expect(ROLE_RANK.operator).toBeLessThan(ROLE_RANK.admin);
  });

  it('hasRole includes lower roles and rejects unknown values', () => {
    expect(hasRole('admin', 'viewer')).toBe(true);
    expect(hasRole('admin', 'admin')).toBe(true);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('operator', 'admin')).toBe(false);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('root', 'viewer')).toBe(false);
    expect(hasRole(undefined, 'viewer')).toBe(false);
    expect(hasRole('toString', 'viewer')).toBe(false);
  });

  it('maps actions to the documented minimum role', () => {
    expect(ACTION_ROLE).toEqual({
      status: 'viewer',
      logs: 'viewer',
      restart: 'operator',
      backup: 'operator',
      deploy: 'admin',
      upgrade: 'admin',
      restore: 'admin',
      users: 'admin',
    });
  });

  it('requireRole throws a forbidden error', () => {
    expect(() => requireRole('viewer', 'operator')).toThrow(expect.objectContaining({ code: 'forbidden', message: 'This needs the operator role.' }));
    expect(() => requireRole('admin', 'operator')).not.toThrow();
    expect(roleSchema.safeParse('superuser').success).toBe(false);
  });
});
