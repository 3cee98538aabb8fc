import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const searchErrors = defineErrors({
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
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof searchErrors> {}
}
