/** Roles of API keys, least to most privileged. */
export const Roles = ['user', 'premium', 'admin'] as const;
export type Role = (typeof Roles)[number];

const RANK: Readonly<Record<Role, number>> = { user: 0, premium: 1, admin: 2 };

/** True when `role` is `required` or above (admin can do what premium can, premium what user can). */
export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export function isRole(s: string): s is Role {
  return (Roles as readonly string[]).includes(s);
}
