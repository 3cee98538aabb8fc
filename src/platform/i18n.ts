import { z } from "@hono/zod-openapi";

/** Locale negotiation. Arabic is the default; English is the other fully translated language. */
export type Locale = "ar" | "en";

export function negotiateLocale(acceptLanguage: string | undefined | null): Locale {
  if (!acceptLanguage) return "ar";
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("ar")) return "ar";
    if (tag.startsWith("en")) return "en";
  }
  return "ar";
}

/** A BCP 47 language tag, as members choose their language. */
export const LOCALE = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "A BCP 47 language tag such as ar, en or ar-SA")
  .max(35);
