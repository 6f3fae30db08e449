/**
 * Roles and access levels. A call declares the minimum access it needs:
 *   public < any (signed in) < oncall < dba < admin
 * admin: everything. dba: restores to staging, restore tests, read all. oncall: emergency recovery
 * (with an administrator's approval), read all. Higher roles include the lower ones.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'dba', 'oncall'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export type Access = Role | 'any' | 'public';

const RANK: Record<Access, number> = { public: 0, any: 1, oncall: 2, dba: 3, admin: 4 };

/** True when a signed-in user with `role` may make a call that needs `min`. */
export function roleAllows(role: Role, min: Access): boolean {
  return RANK[role] >= RANK[min];
}

/** The roles that are NOT enough for `min` (used by the protection table test). */
export function rolesBelow(min: Access): Role[] {
  return ROLES.filter((r) => !roleAllows(r, min));
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  dba: 'Database administrator',
  oncall: 'On-call',
};
