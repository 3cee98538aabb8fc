import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const hashtagErrors = defineErrors({
  INVALID_HASHTAG: [400, "This is not a valid hashtag.", "هذا ليس وسماً صالحاً."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof hashtagErrors> {}
}
