import { defineModule } from "../../core/module";
import { DAY } from "../../platform/clock";
import { authErrors } from "./errors";
import { authRateLimits } from "./rate-limits";
import { authRoutes } from "./routes";

/** Accounts, sessions, email verification and password reset. */
export const authModule = defineModule({
  name: "auth",
  routes: [{ path: "/api/v1/auth", router: authRoutes }],
  errors: authErrors,
  rateLimits: authRateLimits,
  purge: {
    memberColumns: [
      ["sessions", "user_id"],
      ["login_history", "user_id"],
      ["email_verifications", "user_id"],
      ["password_resets", "user_id"],
    ],
  },
  maintenance: [
    {
      name: "purge-login-history",
      statements: (db, now) => [
        db.prepare("DELETE FROM login_history WHERE created_at < ?").bind(now - 90 * DAY),
      ],
    },
    {
      name: "purge-expired-credentials",
      statements: (db, now) => [
        db.prepare("DELETE FROM password_resets WHERE expires_at < ?").bind(now - DAY),
        db.prepare("DELETE FROM email_verifications WHERE expires_at < ?").bind(now - DAY),
        db
          .prepare(
            "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE expires_at < ? OR revoked_at < ?)",
          )
          .bind(now - DAY, now - DAY),
        db.prepare("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?").bind(now - DAY, now - DAY),
      ],
    },
  ],
});
