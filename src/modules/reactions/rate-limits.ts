import { MINUTE } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const reactionRateLimits = defineRateLimits({
  reactions: { subject: "user", rules: [{ limit: 60, windowMs: MINUTE }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof reactionRateLimits> {}
}
