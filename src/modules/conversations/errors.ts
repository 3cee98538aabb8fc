import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const conversationErrors = defineErrors({
  MESSAGES_NOT_ALLOWED: [
    403,
    "This member does not accept messages from you.",
    "هذا العضو لا يستقبل رسائل منك.",
  ],
  NOT_A_GROUP: [
    409,
    "This works only in group conversations.",
    "هذا الإجراء متاح في المحادثات الجماعية فقط.",
  ],
  GROUP_FULL: [409, "A group can have at most 256 members.", "يمكن أن تضم المجموعة 256 عضواً كحد أقصى."],
  LAST_ADMIN: [
    409,
    "A group needs at least one admin: make someone else admin first.",
    "تحتاج المجموعة إلى مشرف واحد على الأقل: عيّن مشرفاً آخر أولاً.",
  ],
  EDIT_WINDOW_CLOSED: [
    409,
    "Messages can be edited for 15 minutes after sending.",
    "يمكن تعديل الرسائل خلال 15 دقيقة من إرسالها فقط.",
  ],
  MESSAGE_DELETED: [409, "This message was deleted.", "تم حذف هذه الرسالة."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof conversationErrors> {}
}
