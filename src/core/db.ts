import {
  createTableRelationsHelpers,
  type ExtractTablesWithRelations,
  extractTablesRelationalConfig,
  type RelationalSchemaConfig,
  type TableRelationalConfig,
} from "drizzle-orm";
import { DrizzleD1Database, SQLiteD1Session } from "drizzle-orm/d1";
import { SQLiteAsyncDialect, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { RelationalQueryBuilder } from "drizzle-orm/sqlite-core/query-builders/query";
import * as schema from "../db/schema";

export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/**
 * What `drizzle(d1, { schema })` computes from the schema, once per isolate: that part cost ~0.4 ms per
 * client, and every API request has its own D1 session (src/platform/db/session.ts), so its own client.
 * The client below is what drizzle-orm 0.45's `drizzle()` builds (pinned exactly in package.json).
 */
type Schema = typeof schema;
const relations = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
const schemaConfig: RelationalSchemaConfig<ExtractTablesWithRelations<Schema>> = {
  fullSchema: schema,
  schema: relations.tables as ExtractTablesWithRelations<Schema>,
  tableNamesMap: relations.tableNamesMap,
};
const dialect = new SQLiteAsyncDialect();

/**
 * `drizzle()` also builds a relational query builder per table for `db.query` (~0.1 ms for this schema);
 * here each is built when a request first uses it.
 */
function build(d1: D1Database): Db {
  const session = new SQLiteD1Session<Schema, ExtractTablesWithRelations<Schema>>(
    d1,
    dialect,
    schemaConfig,
    {},
  );
  const db = new DrizzleD1Database<Schema>("async", dialect, session, undefined) as unknown as Db;
  const tables = schemaConfig.schema as Record<string, TableRelationalConfig>;
  const built = new Map<string, unknown>();
  const query = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name !== "string" || !(name in tables)) return undefined;
        let builder = built.get(name);
        if (!builder) {
          builder = new RelationalQueryBuilder(
            "async",
            schema,
            tables,
            schemaConfig.tableNamesMap,
            (schema as Record<string, unknown>)[name] as SQLiteTable,
            tables[name]!,
            dialect,
            session,
          );
          built.set(name, builder);
        }
        return builder;
      },
    },
  );
  Object.assign(db, { _: { ...schemaConfig }, query, $client: d1 });
  return db;
}

const cache = new WeakMap<D1Database, Db>();

/**
 * One drizzle client per D1 database object: the binding (the primary; Durable Objects, queues, cron) or a
 * request's session, whose services all share one client.
 */
export function createDb(d1: D1Database): Db {
  let db = cache.get(d1);
  if (!db) {
    db = build(d1);
    cache.set(d1, db);
  }
  return db;
}
