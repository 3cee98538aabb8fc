import { type CodesOf, defineErrors } from "../../platform/errors";

/** The error codes of this module (status, English, Arabic). */
export const realtimeErrors = defineErrors({
  UPGRADE_REQUIRED: [426, "Open this endpoint as a WebSocket.", "افتح هذه الواجهة عبر WebSocket."],
} as const);

declare module "../../platform/errors" {
  interface ErrorCatalog extends CodesOf<typeof realtimeErrors> {}
}
