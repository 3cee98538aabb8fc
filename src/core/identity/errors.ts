import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const identityErrors = defineErrors({
  PREMIUM_REQUIRED: [403, "This needs a premium plan.", "هذه الميزة تتطلب اشتراكاً مميزاً."],
  EMAIL_NOT_VERIFIED: [403, "Verify your email address first.", "يرجى تأكيد بريدك الإلكتروني أولاً."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof identityErrors> {}
}
