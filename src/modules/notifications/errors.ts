import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const notificationErrors = defineErrors({
  INVALID_LINK: [400, "This link is invalid.", "هذا الرابط غير صالح."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof notificationErrors> {}
}
