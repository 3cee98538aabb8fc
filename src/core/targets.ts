import { Column, getTableColumns, is, type SQL, sql } from "drizzle-orm";
import { alias, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Deps } from "./deps";

/**
 * The target registry: every kind of thing members act on (react to, bookmark, follow, report, get
 * notified about, find in search) is declared once by the module that owns it, with its id column, owner,
 * visibility rule, counters and web path, all named through the schema. Reactions, bookmarks, follows,
 * notifications and the modules that come later look targets up here instead of naming one another's
 * tables.
 *
 * Polymorphic rows store a target as (`code`, id): reactions (`POST`, `COMMENT`), follows (`USER`,
 * `HASHTAG`), bookmarks (`POST`, ...). Events and notifications name it by `type` ("post").
 */

/**
 * A counter kept exact with the rows that point at a target: a column of the target's own table (keyed
 * by its id), or of another table with the column holding the target's id (a member's follower count
 * lives in `profiles`, keyed by `profiles.user_id`).
 */
export type Counter = SQLiteColumn | { column: SQLiteColumn; key: SQLiteColumn };

/** A target as its module declares it; `T` is its table. */
export interface TargetSpec<T extends SQLiteTable = SQLiteTable> {
  /** Name in events, notifications and API payloads, e.g. "post". */
  type: string;
  /** Stored value in polymorphic `target_type` columns, e.g. "POST". */
  code: string;
  /** The table holding the target's rows. */
  table: T;
  /** The target's id column (of `table`). */
  id: SQLiteColumn;
  /** The column holding the member who owns the row, when there is one. */
  owner?: SQLiteColumn;
  /**
   * SQL boolean: the row `row` is visible to the viewer (undefined: anonymous). `row` is an alias of
   * `table` in the statement asking, so the rule names its columns through the schema.
   */
  visibleTo(viewerId: string | undefined, row: T): SQL;
  /** SQL: the id acted on when a client names `id` (a plain repost stands for its original). */
  resolve?(id: string): SQL;
  /** Counters that other modules keep exact with their rows. */
  counters?: {
    /** Reaction counters: columns of the target's own table, one per reaction type, in REACTION_TYPES order. */
    reactions?: readonly SQLiteColumn[];
    /** Bookmarks of the target (a target without it cannot be bookmarked). */
    bookmarks?: Counter;
    /** Follows of the target (a target without it cannot be followed). */
    followers?: Counter;
    /** For members: the follower's own count of the members they follow, moved with a follow of this kind. */
    following?: Counter;
  };
  /**
   * Reportable targets only: SQL, a JSON object of what a moderator needs to judge the row `row` (an alias
   * of `table`), stored with the report when the target is first reported. A target without it cannot be
   * reported.
   */
  snapshot?(row: T): SQL;
  /**
   * Removes the row `id` of member `ownerId` as its owner's own deletion would (counters, index), for a
   * moderator's REMOVE_CONTENT action. A target without it has no content to remove.
   */
  remove?(deps: Deps, ownerId: string, id: string): Promise<void>;
  /** Path of the web app showing the target (relative to APP_URL). */
  link?(id: string, data: Record<string, unknown>): string;
}

/** A registered target is its declaration: statements name its table and columns through `id`, `owner`, `counters`. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds targets of every table
export type Target = TargetSpec<any>;

const BY_TYPE = new Map<string, Target>();
const BY_CODE = new Map<string, Target>();

/** Registers a module's targets (when its targets.ts loads) and returns them, in order. */
export function defineTargets(specs: readonly Target[]): Target[] {
  return specs.map((spec) => {
    const known = BY_TYPE.get(spec.type);
    if (known && known !== spec) throw new Error(`target ${spec.type} defined twice`);
    if (known) return known;
    if (spec.id.table !== spec.table)
      throw new Error(`target ${spec.type}: its id is not a column of its table`);
    BY_TYPE.set(spec.type, spec);
    BY_CODE.set(spec.code, spec);
    return spec;
  });
}

export function targetOf(type: string): Target {
  const target = BY_TYPE.get(type);
  if (!target) throw new Error(`unknown target type ${type}`);
  return target;
}

/** The registered target of this type, if any (for types a client names). */
export function findTarget(type: string): Target | undefined {
  return BY_TYPE.get(type);
}

export function targetByCode(code: string): Target | undefined {
  return BY_CODE.get(code);
}

export function registeredTargets(): Target[] {
  return [...BY_TYPE.values()];
}

/** SQL: the id acted on for `id` of this target. */
export function resolvedId(target: Target, id: string): SQL {
  return target.resolve ? target.resolve(id) : sql`${id}`;
}

/** SQL boolean: the row named `id` exists and is visible to the viewer. */
export function targetVisibleSql(target: Target, viewerId: string | undefined, id: string | SQL): SQL {
  const name = `tv_${target.code.toLowerCase()}`;
  const row = alias(target.table as SQLiteTable, name);
  return sql`EXISTS (SELECT 1 FROM ${target.table} ${sql.identifier(name)} WHERE ${columnOf(target, row, target.id)} = ${id}
    AND ${target.visibleTo(viewerId, row)})`;
}

/**
 * SQL: one row (`ownerId`, `snapshot`) of the reportable target named `id` (resolved), when it exists and
 * is visible to the viewer; no row otherwise. Undefined for a target that declares no snapshot.
 */
export function targetSnapshotSql(target: Target, viewerId: string, id: string): SQL | undefined {
  if (!target.snapshot) return undefined;
  const name = `ts_${target.code.toLowerCase()}`;
  const row = alias(target.table as SQLiteTable, name);
  const owner = target.owner ? columnOf(target, row, target.owner) : sql`NULL`;
  return sql`SELECT ${columnOf(target, row, target.id)} AS id, ${owner} AS ownerId, ${target.snapshot(row)} AS snapshot
    FROM ${target.table} ${sql.identifier(name)}
    WHERE ${columnOf(target, row, target.id)} = ${resolvedId(target, id)} AND ${target.visibleTo(viewerId, row)}`;
}

/** `column` of the target's table, as the column of `row` (an alias of that table). */
function columnOf(target: Target, row: SQLiteTable, column: SQLiteColumn): SQLiteColumn {
  const key = Object.entries(getTableColumns(target.table)).find(([, c]) => c === column)?.[0];
  if (!key) throw new Error(`target ${target.type}: ${column.name} is not a column of its table`);
  return getTableColumns(row)[key] as SQLiteColumn;
}

/**
 * SQL: moves `counter` (one of `target`'s) of the target row `targetId` by `delta` where `guard` holds (the guard names the row
 * being counted, so the counter moves only when that row was really inserted or is really there).
 */
export function moveCounterSql(
  target: Target,
  counter: Counter,
  targetId: string | SQL,
  delta: 1 | -1,
  guard: SQL,
): SQL {
  const { column, key } = is(counter, Column) ? { column: counter, key: target.id } : counter;
  const name = sql.identifier(column.name);
  return sql`UPDATE ${column.table} SET ${name} = ${name} + ${delta} WHERE ${key} = ${targetId} AND ${guard}`;
}

/** The web path of a target, when its type declares one. */
export function targetLink(type: string, id: string, data: Record<string, unknown>): string | undefined {
  return BY_TYPE.get(type)?.link?.(id, data);
}
