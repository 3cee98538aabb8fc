import { DAY, MINUTE } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const searchRateLimits = defineRateLimits({
  search: { subject: "user", rules: [{ limit: 30, windowMs: MINUTE }] },
  "saved-search": { subject: "user", rules: [{ limit: 10, windowMs: DAY }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof searchRateLimits> {}
}
