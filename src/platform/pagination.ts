import { z } from "@hono/zod-openapi";
import { base64url, fromBase64url, fromUtf8, utf8 } from "./encoding";
import { AppError } from "./errors";

/**
 * Cursor pagination, the same everywhere: `?cursor=&limit=` (default 20, max 100) answering
 * `{data, nextCursor}`. A cursor is an opaque base64url string wrapping the sort key of the last row.
 */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export const PageQuery = z.object({
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ description: "Opaque cursor from a previous page's nextCursor" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({ description: "Page size, 1-100 (default 20)" }),
});

export type CursorValue = Record<string, string | number>;

export function encodeCursor(value: CursorValue): string {
  return base64url(utf8(JSON.stringify(value)));
}

/** Decodes a cursor and checks it has the expected keys; any tampering is a 400 INVALID_CURSOR. */
export function decodeCursor<K extends string>(
  cursor: string | undefined,
  keys: readonly K[],
): Record<K, string | number> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(fromUtf8(fromBase64url(cursor)));
    if (parsed && typeof parsed === "object") {
      const obj = parsed as Record<string, unknown>;
      if (keys.every((k) => typeof obj[k] === "string" || typeof obj[k] === "number")) {
        return obj as Record<K, string | number>;
      }
    }
  } catch {
    // fall through
  }
  throw new AppError("INVALID_CURSOR");
}

/** Fetch `limit + 1` rows, then call this to split off the extra row into a cursor. */
export function toPage<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => CursorValue,
): { data: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { data: rows, nextCursor: null };
  const data = rows.slice(0, limit);
  return { data, nextCursor: encodeCursor(cursorOf(data[data.length - 1]!)) };
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
