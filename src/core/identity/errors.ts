import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const identityErrors = defineErrors({
  EMAIL_NOT_VERIFIED: [403, "Verify your email address first.", "يرجى تأكيد بريدك الإلكتروني أولاً."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof identityErrors> {}
}
