import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const authErrors = defineErrors({
  INVALID_CREDENTIALS: [
    401,
    "The username or password is incorrect.",
    "اسم المستخدم أو كلمة المرور غير صحيحة.",
  ],
  USERNAME_TAKEN: [409, "This username is taken.", "اسم المستخدم هذا مستخدم بالفعل."],
  EMAIL_TAKEN: [409, "This email is already registered.", "هذا البريد الإلكتروني مسجّل بالفعل."],
  INVALID_CODE: [400, "The code is invalid or has expired.", "الرمز غير صالح أو انتهت صلاحيته."],
  INVALID_RESET_TOKEN: [
    400,
    "The reset link is invalid or has expired.",
    "رابط إعادة التعيين غير صالح أو منتهي الصلاحية.",
  ],
  WEAK_PASSWORD: [400, "Choose a stronger password.", "اختر كلمة مرور أقوى."],
  ACCOUNT_LOCKED: [429, "Too many failed attempts. Try again later.", "محاولات فاشلة كثيرة. حاول لاحقاً."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof authErrors> {}
}
