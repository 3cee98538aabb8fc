import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const mediaErrors = defineErrors({
  INVALID_MEDIA: [
    400,
    "Attach only your own media that has finished processing.",
    "أرفق وسائط خاصة بك اكتملت معالجتها فقط.",
  ],
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
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof mediaErrors> {}
}
