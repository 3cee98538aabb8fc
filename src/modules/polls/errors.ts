import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const pollErrors = defineErrors({
  INVALID_POLL_OPTION: [
    400,
    "This option does not belong to the poll.",
    "هذا الخيار لا ينتمي إلى الاستطلاع.",
  ],
  POLL_RESULTS_HIDDEN: [
    403,
    "Poll results are shown after you vote or when the poll closes.",
    "تظهر نتائج الاستطلاع بعد التصويت أو عند إغلاقه.",
  ],
  ALREADY_VOTED: [409, "You have already voted in this poll.", "لقد صوّتّ في هذا الاستطلاع بالفعل."],
  POLL_CLOSED: [409, "This poll is closed.", "هذا الاستطلاع مغلق."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof pollErrors> {}
}
