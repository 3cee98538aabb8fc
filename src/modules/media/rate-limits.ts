import { HOUR } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const mediaRateLimits = defineRateLimits({
  media: { subject: "user", rules: [{ limit: 20, windowMs: HOUR }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof mediaRateLimits> {}
}
