import { DAY, HOUR, MINUTE } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const authRateLimits = defineRateLimits({
  "auth-register": {
    subject: "ip",
    rules: [
      { limit: 10, windowMs: HOUR },
      { limit: 50, windowMs: DAY },
    ],
  },
  "auth-login": {
    subject: "ip",
    rules: [
      { limit: 20, windowMs: MINUTE },
      { limit: 300, windowMs: DAY },
    ],
  },
  "auth-refresh": { subject: "ip", rules: [{ limit: 60, windowMs: MINUTE }] },
  "auth-email": {
    subject: "ip",
    rules: [
      { limit: 5, windowMs: 15 * MINUTE },
      { limit: 30, windowMs: DAY },
    ],
  },
  "auth-code": { subject: "ip", rules: [{ limit: 20, windowMs: 15 * MINUTE }] },
  // Verification codes resent to one member, whatever the client's address (each code allows 5 guesses).
  "verification-codes": { subject: "user", rules: [{ limit: 10, windowMs: DAY }] },
  // Routes that check a signed-in member's password (change password, delete account), per member.
  "auth-password": {
    subject: "user",
    rules: [
      { limit: 5, windowMs: 15 * MINUTE },
      { limit: 20, windowMs: DAY },
    ],
  },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof authRateLimits> {}
}
