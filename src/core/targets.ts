import { type SQL, sql } from "drizzle-orm";

/**
 * The target registry: every kind of thing members act on (react to, bookmark, follow, report, get
 * notified about, find in search) is declared once by the module that owns it, with its table, owner,
 * visibility rule, counters and web path. Reactions, bookmarks, follows, notifications and the modules
 * that come later look targets up here instead of naming one another's tables.
 *
 * Polymorphic rows store a target as (`code`, id): reactions (`POST`, `COMMENT`), follows (`USER`,
 * `HASHTAG`), bookmarks (`POST`, ...). Events and notifications name it by `type` ("post").
 */
export interface Target {
  /** Name in events, notifications and API payloads, e.g. "post". */
  type: string;
  /** Stored value in polymorphic `target_type` columns, e.g. "POST". */
  code: string;
  /** The table of the target's rows (a trusted identifier). */
  table: string;
  /** Column of `table` holding the member who owns the row, when there is one. */
  ownerColumn?: string;
  /** SQL boolean: the row `alias` of `table` is visible to the viewer (undefined: anonymous). */
  visibleTo(viewerId: string | undefined, alias: string): SQL;
  /** SQL: the id acted on when a client names `id` (a plain repost stands for its original). */
  resolve?(id: string): SQL;
  /** Counter columns of `table` that other modules keep exact with their rows. */
  counters?: { reactions?: readonly string[]; bookmarks?: string; followers?: string };
  /** Path of the web app showing the target (relative to APP_URL). */
  link?(id: string, data: Record<string, unknown>): string;
}

const BY_TYPE = new Map<string, Target>();
const BY_CODE = new Map<string, Target>();

/** Registers a module's targets (when its targets.ts loads) and returns them. */
export function defineTargets<const T extends readonly Target[]>(targets: T): T {
  for (const target of targets) {
    const known = BY_TYPE.get(target.type);
    if (known && known !== target) throw new Error(`target ${target.type} defined twice`);
    BY_TYPE.set(target.type, target);
    BY_CODE.set(target.code, target);
  }
  return targets;
}

export function targetOf(type: string): Target {
  const target = BY_TYPE.get(type);
  if (!target) throw new Error(`unknown target type ${type}`);
  return target;
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
  const alias = `tv_${target.code.toLowerCase()}`;
  return sql`EXISTS (SELECT 1 FROM ${sql.raw(target.table)} ${sql.raw(alias)} WHERE ${sql.raw(alias)}.id = ${id}
    AND ${target.visibleTo(viewerId, alias)})`;
}

/** The web path of a target, when its type declares one. */
export function targetLink(type: string, id: string, data: Record<string, unknown>): string | undefined {
  return BY_TYPE.get(type)?.link?.(id, data);
}
