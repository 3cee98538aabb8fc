import { HOUR, MINUTE } from "../../platform/clock";
import { defineRateLimits, type PoliciesOf } from "../../platform/rate-limit";

/** Rate limits of this module: rules counted together per subject (member or client address). */
export const conversationRateLimits = defineRateLimits({
  messages: { subject: "user", rules: [{ limit: 50, windowMs: MINUTE }] },
  // Starting conversations (1:1 or group); sending is counted by "messages".
  conversations: { subject: "user", rules: [{ limit: 30, windowMs: HOUR }] },
} as const);

declare module "../../platform/rate-limit" {
  interface RateLimitPolicies extends PoliciesOf<typeof conversationRateLimits> {}
}
