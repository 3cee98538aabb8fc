import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const pushErrors = defineErrors({
  PUSH_ENDPOINT_TAKEN: [
    409,
    "This browser's push subscription belongs to another account: unsubscribe it and subscribe again.",
    "اشتراك الإشعارات في هذا المتصفح مرتبط بحساب آخر: ألغِ الاشتراك ثم اشترك من جديد.",
  ],
  PUSH_NOT_CONFIGURED: [
    404,
    "Web Push is not configured on this server.",
    "الإشعارات الفورية عبر المتصفح غير مفعّلة على هذا الخادم.",
  ],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof pushErrors> {}
}
