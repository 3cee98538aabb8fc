import { type Column, type SQL, sql } from "drizzle-orm";
import { AppError } from "../errors";
import { type CursorValue, decodeCursor, encodeCursor } from "../pagination";

/** One part of a sort key: the column it orders by, its type in the cursor, and its value in a row. */
export interface KeyPart<R> {
  column: Column | SQL;
  type: "number" | "string";
  of: (row: R) => string | number;
}

/**
 * Keyset pagination over a sort key of one or more columns, all in one direction (the last part should
 * be unique, usually an id, so the order is total). A list declares its key once and gets the three
 * pieces that must agree: the ORDER BY, the "after the cursor" condition (a row-value comparison, which
 * SQLite answers from an index on the same columns), and the page with its next cursor.
 *
 *   const byNewest = keyset("desc", { t: { column: blocks.createdAt, type: "number", of: (r) => r.createdAt },
 *                                     id: { column: blocks.blockedId, type: "string", of: (r) => r.id } });
 *   WHERE ... AND ${byNewest.after(page.cursor)} ORDER BY ${byNewest.orderBy} LIMIT ${page.limit + 1}
 *   return byNewest.page(rows, page.limit);
 *
 * A cursor whose fields are missing or of the wrong type is a 400 INVALID_CURSOR.
 */
export function keyset<R, const K extends string>(
  direction: "asc" | "desc",
  parts: { [P in K]: KeyPart<R> },
) {
  const names = Object.keys(parts) as K[];
  const columns = names.map((n) => parts[n].column);
  const list = (items: readonly (Column | SQL | string | number | undefined)[]) =>
    sql.join(
      items.map((i) => sql`${i}`),
      sql`, `,
    );
  const way = direction === "desc" ? sql`DESC` : sql`ASC`;
  return {
    orderBy: sql.join(
      columns.map((c) => sql`${c} ${way}`),
      sql`, `,
    ),
    /** The cursor's sort key, checked against the declared types (undefined without a cursor). */
    decode(cursor: string | undefined): Record<K, string | number> | undefined {
      const value = decodeCursor(cursor, names);
      if (!value) return undefined;
      for (const n of names) {
        const v = value[n];
        if (parts[n].type === "number" ? !Number.isFinite(v) : typeof v !== "string")
          throw new AppError("INVALID_CURSOR");
      }
      return value;
    },
    /** The condition for rows after `cursor` (always true without one). */
    after(cursor: string | undefined): SQL {
      const value = this.decode(cursor);
      return value ? this.afterKey(value) : sql`1 = 1`;
    },
    /**
     * The condition for rows after a sort key given as values or as SQL, e.g. a `CompiledSql`'s
     * placeholders (its "after" variant), bound later with the values of `decode(cursor)`.
     */
    afterKey(key: Record<K, string | number | SQL>): SQL {
      const op = direction === "desc" ? sql`<` : sql`>`;
      const values = names.map((n) => key[n]);
      return names.length === 1
        ? sql`${columns[0]} ${op} ${values[0]}`
        : sql`(${list(columns)}) ${op} (${list(values)})`;
    },
    /**
     * Splits the extra row of a `limit + 1` query off into the next cursor; `extra` adds fields that are
     * not part of the order (e.g. the time a ranking was computed at).
     */
    page<T extends R>(
      rows: T[],
      limit: number,
      extra: CursorValue = {},
    ): { data: T[]; nextCursor: string | null } {
      if (rows.length <= limit) return { data: rows, nextCursor: null };
      const data = rows.slice(0, limit);
      const last = data[data.length - 1]!;
      return {
        data,
        nextCursor: encodeCursor({
          ...extra,
          ...Object.fromEntries(names.map((n) => [n, parts[n].of(last)])),
        }),
      };
    },
  };
}
