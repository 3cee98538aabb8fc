/**
 * Who is acting: the member behind an access token, on HTTP and WebSocket paths alike. Services that
 * need less take a `Pick` of it. Roles are typed; `requireRole` (./auth.ts) is the one check of them.
 */
export const ROLES = ["member", "creator", "recruiter", "moderator", "admin"] as const;
export type Role = (typeof ROLES)[number];

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
  }
}
