import { HOUR } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const pushRateLimits = defineRateLimits({
  // Web Push subscriptions (a browser registers once per sign-in) and unsubscribe links (per IP, no auth).
  push: { subject: "user", rules: [{ limit: 20, windowMs: HOUR }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof pushRateLimits> {}
}
