import type { Locale } from "./i18n";

/**
 * Every error a client can see, in one catalog: HTTP status and the message in Arabic and English.
 * Codes are part of the API contract; messages may change.
 */
const CATALOG = {
  VALIDATION_ERROR: [400, "The request is invalid.", "الطلب غير صالح."],
  MALFORMED_JSON: [400, "The request body is not valid JSON.", "نص الطلب ليس JSON صالحاً."],
  INVALID_CURSOR: [400, "The pagination cursor is invalid.", "مؤشر الصفحات غير صالح."],
  UNAUTHENTICATED: [401, "Sign in to continue.", "سجّل الدخول للمتابعة."],
  TOKEN_EXPIRED: [401, "Your session token has expired.", "انتهت صلاحية رمز الجلسة."],
  INVALID_TOKEN: [401, "The token is invalid.", "الرمز غير صالح."],
  INVALID_CREDENTIALS: [
    401,
    "The username or password is incorrect.",
    "اسم المستخدم أو كلمة المرور غير صحيحة.",
  ],
  FORBIDDEN: [403, "You are not allowed to do this.", "غير مسموح لك بهذا الإجراء."],
  EMAIL_NOT_VERIFIED: [403, "Verify your email address first.", "يرجى تأكيد بريدك الإلكتروني أولاً."],
  NOT_CONNECTED: [
    403,
    "Only connections of this member can do this.",
    "هذا الإجراء متاح لجهات اتصال هذا العضو فقط.",
  ],
  DEV_ONLY: [
    403,
    "This endpoint exists only in local development.",
    "هذه الواجهة متاحة في بيئة التطوير المحلية فقط.",
  ],
  NOT_FOUND: [404, "Not found.", "غير موجود."],
  ROUTE_NOT_FOUND: [404, "No such endpoint.", "لا توجد واجهة بهذا العنوان."],
  METHOD_NOT_ALLOWED: [405, "Method not allowed.", "الطريقة غير مسموحة."],
  CONFLICT: [409, "This conflicts with the current state.", "يتعارض هذا مع الحالة الحالية."],
  USERNAME_TAKEN: [409, "This username is taken.", "اسم المستخدم هذا مستخدم بالفعل."],
  EMAIL_TAKEN: [409, "This email is already registered.", "هذا البريد الإلكتروني مسجّل بالفعل."],
  ALREADY_EXISTS: [409, "It already exists.", "موجود بالفعل."],
  ALREADY_CONNECTED: [409, "You are already connected.", "أنتما متصلان بالفعل."],
  REQUEST_PENDING: [409, "A connection request is already pending.", "يوجد طلب اتصال قيد الانتظار."],
  INVALID_CODE: [400, "The code is invalid or has expired.", "الرمز غير صالح أو انتهت صلاحيته."],
  INVALID_RESET_TOKEN: [
    400,
    "The reset link is invalid or has expired.",
    "رابط إعادة التعيين غير صالح أو منتهي الصلاحية.",
  ],
  WEAK_PASSWORD: [400, "Choose a stronger password.", "اختر كلمة مرور أقوى."],
  CANNOT_TARGET_SELF: [400, "You cannot do this to yourself.", "لا يمكنك تنفيذ هذا الإجراء على نفسك."],
  PAYLOAD_TOO_LARGE: [413, "The request body is too large.", "حجم الطلب كبير جداً."],
  UNSUPPORTED_MEDIA_TYPE: [415, "Unsupported content type.", "نوع المحتوى غير مدعوم."],
  FILE_TOO_LARGE: [
    413,
    "The file is too large for this kind of media.",
    "حجم الملف أكبر من المسموح لهذا النوع من الوسائط.",
  ],
  UNSUPPORTED_FORMAT: [415, "This file format is not accepted here.", "صيغة هذا الملف غير مقبولة هنا."],
  INVALID_FILE: [400, "The file's content does not match its format.", "محتوى الملف لا يطابق صيغته."],
  INVALID_SIGNATURE: [403, "The signed link is invalid.", "الرابط الموقّع غير صالح."],
  SIGNED_URL_EXPIRED: [403, "The signed link has expired.", "انتهت صلاحية الرابط الموقّع."],
  UPLOAD_URL_USED: [409, "This upload link has already been used.", "تم استخدام رابط الرفع هذا من قبل."],
  RANGE_NOT_SATISFIABLE: [416, "The requested range is outside the file.", "النطاق المطلوب خارج حدود الملف."],
  ACCOUNT_LOCKED: [429, "Too many failed attempts. Try again later.", "محاولات فاشلة كثيرة. حاول لاحقاً."],
  // Content (posts, comments, reactions, reposts, bookmarks, polls, hashtags).
  INVALID_MEDIA: [
    400,
    "Attach only your own media that has finished processing.",
    "أرفق وسائط خاصة بك اكتملت معالجتها فقط.",
  ],
  TOO_MANY_HASHTAGS: [
    400,
    "A post can have at most 10 hashtags.",
    "يمكن أن يحتوي المنشور على 10 وسوم كحد أقصى.",
  ],
  INVALID_HASHTAG: [400, "This is not a valid hashtag.", "هذا ليس وسماً صالحاً."],
  INVALID_POLL_OPTION: [
    400,
    "This option does not belong to the poll.",
    "هذا الخيار لا ينتمي إلى الاستطلاع.",
  ],
  NOT_EDITABLE: [400, "A plain repost cannot be edited.", "لا يمكن تعديل إعادة النشر المجردة."],
  POLL_RESULTS_HIDDEN: [
    403,
    "Poll results are shown after you vote or when the poll closes.",
    "تظهر نتائج الاستطلاع بعد التصويت أو عند إغلاقه.",
  ],
  ALREADY_REPOSTED: [409, "You have already reposted this post.", "لقد أعدت نشر هذا المنشور بالفعل."],
  ALREADY_VOTED: [409, "You have already voted in this poll.", "لقد صوّتّ في هذا الاستطلاع بالفعل."],
  ALREADY_BOOKMARKED: [409, "You have already saved this.", "لقد حفظت هذا بالفعل."],
  POLL_CLOSED: [409, "This poll is closed.", "هذا الاستطلاع مغلق."],
  EDIT_CONFLICT: [
    409,
    "It was changed at the same time; reload and try again.",
    "تم تعديله في الوقت نفسه؛ أعد التحميل وحاول مجدداً.",
  ],
  // Messaging and real time.
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
  // Notifications and Web Push.
  INVALID_LINK: [400, "This link is invalid.", "هذا الرابط غير صالح."],
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
  // Search.
  SAVED_SEARCH_LIMIT: [
    409,
    "You can keep at most 50 saved searches: delete one first.",
    "يمكنك حفظ 50 عملية بحث كحد أقصى: احذف إحداها أولاً.",
  ],
  SEARCH_ENGINE_NOT_CONFIGURED: [
    400,
    "Meilisearch is not configured on this server.",
    "محرك البحث Meilisearch غير مُعدّ على هذا الخادم.",
  ],
  UPGRADE_REQUIRED: [426, "Open this endpoint as a WebSocket.", "افتح هذه الواجهة عبر WebSocket."],
  RATE_LIMITED: [429, "Too many requests. Slow down.", "طلبات كثيرة جداً. يرجى التمهل."],
  INTERNAL: [500, "Something went wrong on our side.", "حدث خطأ من جهتنا."],
  SERVICE_MISCONFIGURED: [
    503,
    "The service is not configured correctly. Try again later.",
    "الخدمة غير مُعدّة بشكل صحيح. حاول لاحقاً.",
  ],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof CATALOG;

export interface ErrorDetail {
  path?: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(code);
    this.status = CATALOG[code][0];
  }
}

export function errorStatus(code: ErrorCode): number {
  return CATALOG[code][0];
}

export function errorMessage(code: ErrorCode, locale: Locale): string {
  const entry = CATALOG[code];
  return locale === "ar" ? entry[2] : entry[1];
}

export function errorBody(code: ErrorCode, locale: Locale, details?: ErrorDetail[]) {
  return {
    error: {
      code,
      message: errorMessage(code, locale),
      ...(details && details.length > 0 ? { details } : {}),
    },
  };
}

/** Shorthands used throughout the services. */
export const notFound = () => new AppError("NOT_FOUND");
export const forbidden = () => new AppError("FORBIDDEN");
export const conflict = (code: ErrorCode = "CONFLICT") => new AppError(code);
