import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const bookmarkErrors = defineErrors({
  ALREADY_BOOKMARKED: [409, "You have already saved this.", "لقد حفظت هذا بالفعل."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof bookmarkErrors> {}
}
