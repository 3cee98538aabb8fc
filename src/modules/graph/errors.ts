import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const graphErrors = defineErrors({
  NOT_CONNECTED: [
    403,
    "Only connections of this member can do this.",
    "هذا الإجراء متاح لجهات اتصال هذا العضو فقط.",
  ],
  ALREADY_CONNECTED: [409, "You are already connected.", "أنتما متصلان بالفعل."],
  REQUEST_PENDING: [409, "A connection request is already pending.", "يوجد طلب اتصال قيد الانتظار."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof graphErrors> {}
}
