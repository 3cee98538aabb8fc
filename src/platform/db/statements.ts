import { type Column, type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";

/**
 * The one statement pipeline. Every statement is drizzle SQL that names tables and columns through the
 * schema (src/db/schema), so renaming a column fails the type check instead of a query at run time:
 * - the query builder for plain reads and writes;
 * - `sql` templates for the rest: `${posts.authorId}` renders `"posts"."author_id"`; a second copy of a
 *   table (self-joins, subqueries that must not capture the outer row) is `alias(posts, "p2")`; where SQL
 *   wants a bare column name (UPDATE ... SET, INSERT column lists) use `name(posts.commentCount)`.
 * Run statements with the drizzle client (`db.get/all/run`), several at once with `runBatch` (one
 * transaction), as D1 statements with `statement` (queue handler writes, cron batches), and hot reads
 * compiled once per isolate with `CompiledSql`. Hand-written text is kept only for what the schema cannot
 * describe: FTS5 virtual tables and the Durable Objects' own storage.
 */
const dialect = new SQLiteAsyncDialect();

/** A column's bare name, for UPDATE ... SET and INSERT column lists. */
export function name(column: Column): SQL {
  return sql`${sql.identifier(column.name)}`;
}

/** A drizzle SQL query as a D1 prepared statement (for env.DB.batch and queue handler writes). */
export function statement(db: D1Database, query: SQL): D1PreparedStatement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return db.prepare(text).bind(...params);
}
