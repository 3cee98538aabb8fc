import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const devErrors = defineErrors({
  DEV_ONLY: [
    403,
    "This endpoint exists only in local development.",
    "هذه الواجهة متاحة في بيئة التطوير المحلية فقط.",
  ],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof devErrors> {}
}
