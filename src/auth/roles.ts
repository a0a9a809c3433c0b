/** Who may do what. One table, read by every route through `requireCapability`. */
import { forbidden, unauthorized } from '../errors.ts';

export type Role = 'admin' | 'editor' | 'contributor' | 'moderator' | 'reader';
export const STAFF_ROLES: readonly Role[] = ['admin', 'editor', 'contributor', 'moderator'];
export const ALL_ROLES: readonly Role[] = [...STAFF_ROLES, 'reader'];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** Roles allowed for each capability; admin is allowed everything. */
export const CAPABILITIES = {
  'liveblogs:write': ['editor'],
  // API.md: draft live blogs are seen by editors only (contributors join once it is live).
  'liveblogs:drafts': ['editor'],
  'entries:write': ['editor', 'contributor'],
  'entries:publish': ['editor'],
  'entries:correct': ['editor'],
  'tokens:own': ['editor', 'contributor', 'moderator'],
  'users:manage': [],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;

export function can(user: User | null | undefined, cap: Capability): boolean {
  if (!user) return false;
  return user.role === 'admin' || (CAPABILITIES[cap] as readonly Role[]).includes(user.role);
}

/** Throws 401 without a user, 403 when the role does not allow `cap`. */
export function requireCapability(user: User | null | undefined, cap: Capability): User {
  if (!user) throw unauthorized();
  if (!can(user, cap)) throw forbidden(`The ${user.role} role cannot do this.`);
  return user;
}
