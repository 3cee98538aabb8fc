import type { Locale } from "./i18n";

/**
 * Every error a client can see: HTTP status and the message in English and Arabic. Codes are part of the
 * API contract; messages may change. The platform's own codes are below; each module declares its codes
 * with `defineErrors` in its errors.ts (registered when that file loads) and adds them to the
 * `ErrorCatalog` type by interface merging, so a code that no catalog knows does not compile.
 */
export type ErrorEntry = readonly [status: number, en: string, ar: string];
export type ErrorTable = Record<string, ErrorEntry>;

const PLATFORM_ERRORS = {
  VALIDATION_ERROR: [400, "The request is invalid.", "الطلب غير صالح."],
  MALFORMED_JSON: [400, "The request body is not valid JSON.", "نص الطلب ليس JSON صالحاً."],
  INVALID_CURSOR: [400, "The pagination cursor is invalid.", "مؤشر الصفحات غير صالح."],
  INVALID_BOOKMARK: [
    400,
    "The x-d1-bookmark header is not a bookmark from this service. Drop it and keep the next one you receive.",
    "ترويسة x-d1-bookmark ليست علامة صادرة عن هذه الخدمة. احذفها واحتفظ بالعلامة التالية التي تصلك.",
  ],
  UNAUTHENTICATED: [401, "Sign in to continue.", "سجّل الدخول للمتابعة."],
  TOKEN_EXPIRED: [401, "Your session token has expired.", "انتهت صلاحية رمز الجلسة."],
  INVALID_TOKEN: [401, "The token is invalid.", "الرمز غير صالح."],
  FORBIDDEN: [403, "You are not allowed to do this.", "غير مسموح لك بهذا الإجراء."],
  NOT_FOUND: [404, "Not found.", "غير موجود."],
  ROUTE_NOT_FOUND: [404, "No such endpoint.", "لا توجد واجهة بهذا العنوان."],
  METHOD_NOT_ALLOWED: [405, "Method not allowed.", "الطريقة غير مسموحة."],
  CONFLICT: [409, "This conflicts with the current state.", "يتعارض هذا مع الحالة الحالية."],
  ALREADY_EXISTS: [409, "It already exists.", "موجود بالفعل."],
  CANNOT_TARGET_SELF: [400, "You cannot do this to yourself.", "لا يمكنك تنفيذ هذا الإجراء على نفسك."],
  PAYLOAD_TOO_LARGE: [413, "The request body is too large.", "حجم الطلب كبير جداً."],
  UNSUPPORTED_MEDIA_TYPE: [415, "Unsupported content type.", "نوع المحتوى غير مدعوم."],
  RATE_LIMITED: [429, "Too many requests. Slow down.", "طلبات كثيرة جداً. يرجى التمهل."],
  INTERNAL: [500, "Something went wrong on our side.", "حدث خطأ من جهتنا."],
  SERVICE_MISCONFIGURED: [
    503,
    "The service is not configured correctly. Try again later.",
    "الخدمة غير مُعدّة بشكل صحيح. حاول لاحقاً.",
  ],
} as const satisfies ErrorTable;

type CodesOf<T extends ErrorTable> = { readonly [K in keyof T]: true };

/** The codes every layer may throw. Modules extend it: `interface ErrorCatalog extends CodesOf<typeof table> {}`. */
export interface ErrorCatalog extends CodesOf<typeof PLATFORM_ERRORS> {}
export type ErrorCode = keyof ErrorCatalog & string;
export type { CodesOf };

const CATALOG = new Map<string, ErrorEntry>(Object.entries(PLATFORM_ERRORS));

/**
 * Registers a module's error codes (at import of the module's errors.ts) and returns the table. A code
 * registered twice with a different meaning is a programming error.
 */
export function defineErrors<const T extends ErrorTable>(table: T): T {
  for (const [code, entry] of Object.entries(table)) {
    const known = CATALOG.get(code);
    if (known && known.join("|") !== entry.join("|")) throw new Error(`error code ${code} defined twice`);
    CATALOG.set(code, entry);
  }
  return table;
}

/** Every registered code (for the catalog test and the API document). */
export function registeredErrorCodes(): string[] {
  return [...CATALOG.keys()];
}

function entryOf(code: ErrorCode): ErrorEntry {
  const entry = CATALOG.get(code);
  if (!entry) throw new Error(`unregistered error code ${code}`);
  return entry;
}

export interface ErrorDetail {
  path?: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(code);
  }

  get status(): number {
    return entryOf(this.code)[0];
  }
}

export function errorStatus(code: ErrorCode): number {
  return entryOf(code)[0];
}

export function errorMessage(code: ErrorCode, locale: Locale): string {
  const entry = entryOf(code);
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
