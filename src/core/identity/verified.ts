// Registers the identity error codes this file throws.
import "./errors";
import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { AppError } from "../../platform/errors";
import type { Deps } from "../deps";

/** Requires a verified email for content creation; the token says so, the database has the last word. */
export async function assertEmailVerified(
  deps: Deps,
  user: { id: string; emailVerified: boolean },
): Promise<void> {
  if (user.emailVerified) return;
  const row = await deps.db.query.users.findFirst({
    columns: { emailVerifiedAt: true },
    where: eq(users.id, user.id),
  });
  if (!row || row.emailVerifiedAt === null) throw new AppError("EMAIL_NOT_VERIFIED");
}

/**
 * Requires what posting and messaging need: a verified email, and no moderation mute in force
 * (`users.muted_until` after now: `403 MUTED`). One indexed read of the member's row.
 */
export async function assertMayPost(deps: Deps, user: { id: string; emailVerified: boolean }): Promise<void> {
  const row = await deps.db.query.users.findFirst({
    columns: { emailVerifiedAt: true, mutedUntil: true },
    where: eq(users.id, user.id),
  });
  if (!row || (!user.emailVerified && row.emailVerifiedAt === null)) throw new AppError("EMAIL_NOT_VERIFIED");
  if (row.mutedUntil !== null && row.mutedUntil > deps.now)
    throw new AppError("MUTED", undefined, {
      "Retry-After": String(Math.max(1, Math.ceil((row.mutedUntil - deps.now) / 1000))),
    });
}
