import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const identityErrors = defineErrors({
  PREMIUM_REQUIRED: [403, "This needs a premium plan.", "هذه الميزة تتطلب اشتراكاً مميزاً."],
  MUTED: [
    403,
    "A moderator has muted you: you cannot post or send messages for now.",
    "قام أحد المشرفين بكتم حسابك: لا يمكنك النشر أو إرسال الرسائل حالياً.",
  ],
  EMAIL_NOT_VERIFIED: [403, "Verify your email address first.", "يرجى تأكيد بريدك الإلكتروني أولاً."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof identityErrors> {}
}
