import { and, eq } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { passwordProblems } from "../../core/identity/password";
import { users } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { AppError } from "../../platform/errors";
import type { Locale } from "../../platform/i18n";

/** A member's row; what account operations share: the member as the API shows it, the password rules. */
export type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.displayName,
    locale: row.locale,
    role: row.role,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: isoAt(row.createdAt),
  };
}

export function emailLocale(locale: string): Locale {
  return locale.startsWith("en") ? "en" : "ar";
}

export function weakPassword(password: string, identity: { username?: string; email?: string }): void {
  const problems = passwordProblems(password, identity);
  if (problems.length > 0) {
    throw new AppError(
      "WEAK_PASSWORD",
      problems.map((p) => ({ path: "password", code: p, message: PASSWORD_PROBLEM_TEXT[p] })),
    );
  }
}

const PASSWORD_PROBLEM_TEXT = {
  TOO_SHORT: "At least 10 characters",
  TOO_LONG: "At most 128 characters",
  COMMON: "Too common",
  CONTAINS_IDENTITY: "Must not contain your username or email",
} as const;

export async function requireActiveUser(deps: Deps, userId: string): Promise<UserRow> {
  const user = await deps.db.query.users.findFirst({
    where: and(eq(users.id, userId), eq(users.status, "ACTIVE")),
  });
  if (!user) throw new AppError("UNAUTHENTICATED");
  return user;
}

export async function getMe(deps: Deps, userId: string) {
  return toUser(await requireActiveUser(deps, userId));
}
