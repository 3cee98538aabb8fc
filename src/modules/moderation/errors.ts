import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const moderationErrors = defineErrors({
  NOT_REPORTABLE: [400, "This kind of thing cannot be reported.", "لا يمكن الإبلاغ عن هذا النوع من المحتوى."],
  CANNOT_REPORT_SELF: [
    400,
    "You cannot report yourself or your own content.",
    "لا يمكنك الإبلاغ عن نفسك أو عن محتواك.",
  ],
  ALREADY_REPORTED: [
    409,
    "You already have an open report about this.",
    "لديك بلاغ مفتوح بالفعل بخصوص هذا المحتوى.",
  ],
  CASE_NOT_FOUND: [404, "No such report.", "لا يوجد بلاغ بهذا المعرّف."],
  CASE_CLOSED: [409, "This report has already been resolved.", "تمت معالجة هذا البلاغ من قبل."],
  ACTION_REQUIRED: [
    400,
    "An ACTIONED resolution needs an action; a DISMISSED one takes none.",
    "القرار ACTIONED يتطلب إجراءً، والقرار DISMISSED لا يقبل إجراءً.",
  ],
  NO_CONTENT_TO_REMOVE: [
    400,
    "This report is about a member, not content that can be removed.",
    "هذا البلاغ يخص عضواً وليس محتوى يمكن حذفه.",
  ],
  TARGET_GONE: [
    409,
    "The reported member or content no longer exists.",
    "العضو أو المحتوى المُبلّغ عنه لم يعد موجوداً.",
  ],
  ROLE_TOO_HIGH: [
    403,
    "You cannot act on a member whose role is the same as or above yours.",
    "لا يمكنك اتخاذ إجراء بحق عضو دوره مساوٍ لدورك أو أعلى منه.",
  ],
  NOT_STAFF: [
    400,
    "Reports can only be assigned to moderators or admins.",
    "لا يمكن إسناد البلاغات إلا للمشرفين أو المديرين.",
  ],
  ROLE_NOT_HELD: [409, "This member holds no staff role.", "هذا العضو لا يحمل دوراً إدارياً."],
  ACTION_NOT_FOUND: [404, "No such moderation action.", "لا يوجد إجراء إشرافي بهذا المعرّف."],
  ACTION_ENDED: [409, "This action has already ended.", "انتهى هذا الإجراء من قبل."],
  ACTION_NOT_REVERSIBLE: [
    409,
    "Removed content and warnings cannot be undone.",
    "لا يمكن التراجع عن حذف المحتوى أو عن التحذير.",
  ],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof moderationErrors> {}
}
