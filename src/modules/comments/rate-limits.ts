import { MINUTE } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const commentRateLimits = defineRateLimits({
  comments: { subject: "user", rules: [{ limit: 60, windowMs: 15 * MINUTE }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof commentRateLimits> {}
}
