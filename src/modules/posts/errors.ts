import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const postErrors = defineErrors({
  TOO_MANY_HASHTAGS: [
    400,
    "A post can have at most 10 hashtags.",
    "يمكن أن يحتوي المنشور على 10 وسوم كحد أقصى.",
  ],
  NOT_EDITABLE: [400, "A plain repost cannot be edited.", "لا يمكن تعديل إعادة النشر المجردة."],
  ALREADY_REPOSTED: [409, "You have already reposted this post.", "لقد أعدت نشر هذا المنشور بالفعل."],
  EDIT_CONFLICT: [
    409,
    "It was changed at the same time; reload and try again.",
    "تم تعديله في الوقت نفسه؛ أعد التحميل وحاول مجدداً.",
  ],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof postErrors> {}
}
