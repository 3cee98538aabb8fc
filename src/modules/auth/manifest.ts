import { sql } from "drizzle-orm";
import { defineModule } from "../../core/module";
import { emailVerifications, loginHistory, passwordResets, refreshTokens, sessions } from "../../db/schema";
import { DAY } from "../../platform/clock";
import { statement } from "../../platform/db/statements";
import { authErrors } from "./errors";
import { authRateLimits } from "./rate-limits";
import { authRoutes } from "./routes";
import { LOGIN_HISTORY_TTL_MS } from "./sessions";

/** Accounts, sessions, email verification and password reset. */
export const authModule = defineModule({
  name: "auth",
  routes: [{ path: "/api/v1/auth", router: authRoutes }],
  errors: authErrors,
  rateLimits: authRateLimits,
  purge: {
    memberColumns: [sessions.userId, loginHistory.userId, emailVerifications.userId, passwordResets.userId],
  },
  maintenance: [
    {
      name: "purge-login-history",
      statements: (db, now) => [
        statement(
          db,
          sql`DELETE FROM ${loginHistory} WHERE ${loginHistory.createdAt} < ${now - LOGIN_HISTORY_TTL_MS}`,
        ),
      ],
    },
    {
      name: "purge-expired-credentials",
      statements: (db, now) => [
        statement(db, sql`DELETE FROM ${passwordResets} WHERE ${passwordResets.expiresAt} < ${now - DAY}`),
        statement(
          db,
          sql`DELETE FROM ${emailVerifications} WHERE ${emailVerifications.expiresAt} < ${now - DAY}`,
        ),
        statement(
          db,
          sql`DELETE FROM ${refreshTokens} WHERE ${refreshTokens.sessionId} IN (SELECT ${sessions.id} FROM ${sessions}
            WHERE ${sessions.expiresAt} < ${now - DAY} OR ${sessions.revokedAt} < ${now - DAY})`,
        ),
        statement(
          db,
          sql`DELETE FROM ${sessions} WHERE ${sessions.expiresAt} < ${now - DAY} OR ${sessions.revokedAt} < ${now - DAY}`,
        ),
      ],
    },
  ],
});
