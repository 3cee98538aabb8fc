import { HOUR, MINUTE } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const postRateLimits = defineRateLimits({
  posts: { subject: "user", rules: [{ limit: 100, windowMs: 15 * MINUTE }] },
  reposts: { subject: "user", rules: [{ limit: 10, windowMs: HOUR }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof postRateLimits> {}
}
