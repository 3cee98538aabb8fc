/**
 * Who is acting: the member behind an access token, on HTTP and WebSocket paths alike. Services that
 * need less take a `Pick` of it. Roles are typed; `requireRole` (./auth.ts) is the one check of them.
 */
export const ROLES = ["member", "creator", "recruiter", "support", "moderator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Staff roles, lowest first: support reads the moderation queue, moderators act on reports and members,
 * admins also grant and revoke staff roles and read the audit log. A member holds one role; granting a
 * staff role replaces the member role, revoking it gives back `member`.
 */
export const STAFF_ROLES = ["support", "moderator", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Rank of a role: 0 for member roles, then the staff roles in order (support 1, moderator 2, admin 3). */
export function roleRank(role: string): number {
  return (STAFF_ROLES as readonly string[]).indexOf(role) + 1;
}

export interface Actor {
  id: string;
  sessionId: string;
  role: Role;
  emailVerified: boolean;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

declare module "../../platform/env" {
  interface Variables {
    /** The authenticated caller, when the request carried a valid access token. */
    user: Actor | undefined;
    /** The caller's current role as read from D1 by `requireRole` (administrative routes only). */
    role: Role | undefined;
  }
}
