import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";

/** Any drizzle D1 client, whatever its schema. */
// biome-ignore lint/suspicious/noExplicitAny: the schema does not matter to a batch
type Db = DrizzleD1Database<any> & { $client: D1Database };

/** A raw write statement (`db.run(sql\`...\`)`), the usual item of a batch. */
export type Statement = ReturnType<Db["run"]>;
export type AnyStatement = BatchItem<"sqlite">;

/**
 * Runs statements as one D1 batch (one transaction, one round trip). drizzle 0.45's `db.batch` crashes on
 * raw `db.run(sql\`...\`)` items that have parameters (it reads a prepared statement raw items do not
 * have), so this builds the D1 statements itself; query-builder items work here too. Use it for every
 * multi-statement write that must agree (a row and its counter), and for reads that go with them (a write
 * and the row read back, or several reads in one round trip): results come back in order.
 */
export async function runBatch(db: Db, items: AnyStatement[]): Promise<unknown[]> {
  type Prepared = {
    getQuery(): { sql: string; params: unknown[] };
    mapResult(result: unknown, isFromBatch: boolean): unknown;
  };
  const prepared = items.map((item) => (item as unknown as { _prepare(): Prepared })._prepare());
  const client = db.$client;
  const results = await client.batch(
    prepared.map((p) => {
      const query = p.getQuery();
      return client.prepare(query.sql).bind(...query.params);
    }),
  );
  return results.map((result, i) => prepared[i]!.mapResult(result, true));
}

/** `changes` of a run statement's result in a batch. */
export function changed(result: unknown): number {
  return (result as D1Result).meta?.changes ?? 0;
}

/** An optional value as SQL: NULL, or the bound value. */
export const valueOrNull = (value: string | null | undefined): SQL =>
  value == null ? sql`NULL` : sql`${value}`;

/**
 * @deprecated Use `runBatch`. Kept only while src/modules/bookmarks/service.ts still calls it; delete it
 * when that module moves to `runBatch` (same arguments, same results).
 */
