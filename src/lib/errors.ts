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
  INVALID_CREDENTIALS: [401, "The username or password is incorrect.", "اسم المستخدم أو كلمة المرور غير صحيحة."],
  FORBIDDEN: [403, "You are not allowed to do this.", "غير مسموح لك بهذا الإجراء."],
  EMAIL_NOT_VERIFIED: [403, "Verify your email address first.", "يرجى تأكيد بريدك الإلكتروني أولاً."],
  DEV_ONLY: [403, "This endpoint exists only in local development.", "هذه الواجهة متاحة في بيئة التطوير المحلية فقط."],
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
  INVALID_RESET_TOKEN: [400, "The reset link is invalid or has expired.", "رابط إعادة التعيين غير صالح أو منتهي الصلاحية."],
  WEAK_PASSWORD: [400, "Choose a stronger password.", "اختر كلمة مرور أقوى."],
  CANNOT_TARGET_SELF: [400, "You cannot do this to yourself.", "لا يمكنك تنفيذ هذا الإجراء على نفسك."],
  PAYLOAD_TOO_LARGE: [413, "The request body is too large.", "حجم الطلب كبير جداً."],
  UNSUPPORTED_MEDIA_TYPE: [415, "Unsupported content type.", "نوع المحتوى غير مدعوم."],
  ACCOUNT_LOCKED: [429, "Too many failed attempts. Try again later.", "محاولات فاشلة كثيرة. حاول لاحقاً."],
  RATE_LIMITED: [429, "Too many requests. Slow down.", "طلبات كثيرة جداً. يرجى التمهل."],
  INTERNAL: [500, "Something went wrong on our side.", "حدث خطأ من جهتنا."],
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
