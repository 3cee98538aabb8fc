import { z } from "@hono/zod-openapi";
import { LOCALE } from "../../platform/i18n";

export const THEMES = ["LIGHT", "DARK", "SYSTEM"] as const;
export const FEED_SORTS = ["RELEVANCE", "RECENT"] as const;

export const PreferencesSchema = z
  .object({
    theme: z.enum(THEMES),
    feedSort: z.enum(FEED_SORTS),
    locale: z.string().openapi({ example: "ar" }),
    updatedAt: z.string(),
  })
  .openapi("Preferences");

export const UpdatePreferencesBody = z
  .object({
    theme: z.enum(THEMES),
    feedSort: z.enum(FEED_SORTS),
    locale: LOCALE.openapi({ description: "BCP 47 tag; also the language of your emails", example: "ar" }),
  })
  .partial()
  .strict()
  .openapi("UpdatePreferencesRequest", { example: { theme: "DARK", feedSort: "RECENT", locale: "ar" } });
export type UpdatePreferencesInput = z.output<typeof UpdatePreferencesBody>;
