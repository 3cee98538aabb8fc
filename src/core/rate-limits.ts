import { DAY } from "../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const sharedRateLimits = defineRateLimits({
  "block-report": { subject: "user", rules: [{ limit: 10, windowMs: DAY }] },
} as const);

declare module "../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof sharedRateLimits> {}
}
