import type { z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../../core/deps";
import { findSearchable } from "../../core/searchables";
import { type AlertFrequency, savedSearches } from "../../db/schema";
import { isoAt } from "../../platform/clock";
import { keyset } from "../../platform/db/keyset";
import { name } from "../../platform/db/statements";
import { AppError, type ErrorDetail } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { enqueue } from "../../platform/queue";
import { meiliOf } from "./meili";
import { runSearch } from "./query";
import { searchIndexSchema } from "./queue";
import {
  LIMITS,
  type RebuildBody,
  type SavedSearch,
  type SaveSearchInput,
  type SearchFilters,
  SearchFiltersSchema,
  type SearchPage,
  type SearchQuery,
} from "./schemas";
import { type IndexedType, indexedTypes, type SearchType } from "./types";

/** Parses the `filters` query parameter (JSON); anything wrong is a 400 naming the field. */
export function parseFilters(raw: string | undefined): SearchFilters {
  if (raw === undefined || raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new AppError("VALIDATION_ERROR", [{ path: "filters", message: "filters must be a JSON object" }]);
  }
  const parsed = SearchFiltersSchema.safeParse(value);
  if (!parsed.success) {
    const details: ErrorDetail[] = parsed.error.issues.slice(0, 20).map((issue) => ({
      path: ["filters", ...issue.path.map(String)].join("."),
      message: issue.message,
      code: issue.code,
    }));
    throw new AppError("VALIDATION_ERROR", details);
  }
  return parsed.data;
}

function checkRange(filters: SearchFilters): void {
  if (filters.from && filters.to && Date.parse(filters.from) > Date.parse(filters.to)) {
    throw new AppError("VALIDATION_ERROR", [{ path: "filters.from", message: "from is after to" }]);
  }
}

/** The type comes from ?type= or filters.type; one of them is required and they must agree. */
function resolveType(type: SearchType | undefined, filters: SearchFilters): SearchType {
  if (type && filters.type && type !== filters.type) {
    throw new AppError("VALIDATION_ERROR", [{ path: "filters.type", message: "differs from type" }]);
  }
  const resolved = type ?? filters.type;
  if (!resolved) throw new AppError("VALIDATION_ERROR", [{ path: "type", message: "type is required" }]);
  return resolved;
}

export async function search(
  deps: Deps,
  viewerId: string,
  query: z.output<typeof SearchQuery>,
): Promise<SearchPage> {
  const filters = parseFilters(query.filters);
  checkRange(filters);
  return runSearch(deps, viewerId, {
    q: query.q,
    type: resolveType(query.type, filters),
    filters,
    page: query.page,
    limit: query.limit,
    prefix: query.prefix !== "false",
  });
}

// ─── Saved searches ───────────────────────────────────────────────────────────────────────────────────

type SavedRow = typeof savedSearches.$inferSelect;

export function toSavedSearch(row: SavedRow): SavedSearch {
  return {
    id: row.id,
    name: row.name,
    q: row.query,
    type: row.type as SearchType,
    filters: row.filters as SearchFilters,
    alert: row.alertFrequency
      ? {
          frequency: row.alertFrequency,
          lastSentAt: row.alertSentAt === null ? null : isoAt(row.alertSentAt),
        }
      : null,
    createdAt: isoAt(row.createdAt),
  };
}

/** Saves a search (at most 50 per member; the count and the insert are one statement). */
export async function saveSearch(deps: Deps, userId: string, input: SaveSearchInput): Promise<SavedSearch> {
  const { db, now } = deps;
  const filters = input.filters ?? {};
  checkRange(filters);
  const type = resolveType(input.type, filters);
  const id = newId(now);
  const title = input.name ?? input.q;
  const t = savedSearches;
  const inserted =
    await db.all<SavedRow>(sql`INSERT INTO ${t} (${name(t.id)}, ${name(t.userId)}, ${name(t.name)},
      ${name(t.query)}, ${name(t.type)}, ${name(t.filters)}, ${name(t.createdAt)})
    SELECT ${id}, ${userId}, ${title}, ${input.q}, ${type}, ${JSON.stringify(filters)}, ${now}
    WHERE (SELECT COUNT(*) FROM ${t} WHERE ${t.userId} = ${userId}) < ${LIMITS.savedPerMember}
    RETURNING ${name(t.id)}`);
  if (inserted.length === 0) throw new AppError("SAVED_SEARCH_LIMIT");
  return getSaved(deps, userId, id);
}

async function getSaved(deps: Deps, userId: string, id: string): Promise<SavedSearch> {
  const row = await deps.db.query.savedSearches.findFirst({
    where: and(eq(savedSearches.id, id), eq(savedSearches.userId, userId)),
  });
  // Another member's saved search does not exist for the caller.
  if (!row) throw new AppError("NOT_FOUND");
  return toSavedSearch(row);
}

const newestSaved = keyset("desc", {
  id: { column: savedSearches.id, type: "string", of: (row: { id: string }) => row.id },
});

export async function listSaved(deps: Deps, userId: string, cursor: string | undefined, limit: number) {
  const rows = await deps.db
    .select()
    .from(savedSearches)
    .where(and(eq(savedSearches.userId, userId), newestSaved.after(cursor)))
    .orderBy(newestSaved.orderBy)
    .limit(limit + 1);
  const page = newestSaved.page(rows, limit);
  return { data: page.data.map(toSavedSearch), nextCursor: page.nextCursor };
}

export async function deleteSaved(deps: Deps, userId: string, id: string): Promise<void> {
  const gone = await deps.db
    .delete(savedSearches)
    .where(and(eq(savedSearches.id, id), eq(savedSearches.userId, userId)))
    .returning({ id: savedSearches.id });
  if (gone.length === 0) throw new AppError("NOT_FOUND");
}

/**
 * Sets (or changes) the alert of a saved search. Only results created from now on are news: the
 * watermark starts at the time the alert is set (and stays when only the frequency changes).
 */
export async function setAlert(
  deps: Deps,
  userId: string,
  id: string,
  frequency: AlertFrequency,
): Promise<SavedSearch> {
  const { db, now } = deps;
  const updated = await db
    .update(savedSearches)
    .set({
      alertFrequency: frequency,
      alertSince: sql`COALESCE(${savedSearches.alertSince}, ${now})`,
      alertCheckedAt: sql`COALESCE(${savedSearches.alertCheckedAt}, ${now})`,
    })
    .where(and(eq(savedSearches.id, id), eq(savedSearches.userId, userId)))
    .returning();
  if (updated.length === 0) throw new AppError("NOT_FOUND");
  return toSavedSearch(updated[0]!);
}

export async function removeAlert(deps: Deps, userId: string, id: string): Promise<void> {
  const updated = await deps.db
    .update(savedSearches)
    .set({ alertFrequency: null, alertSince: null, alertCheckedAt: null })
    .where(and(eq(savedSearches.id, id), eq(savedSearches.userId, userId)))
    .returning({ id: savedSearches.id });
  if (updated.length === 0) throw new AppError("NOT_FOUND");
}

// ─── Rebuild ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * Rebuilds indexes from D1 through the search queue, one chunk of 100 entities per message (each chunk
 * enqueues the next), so a rebuild of any size fits the Workers limits. Admins only.
 */
/** A type with an index (the body schema admits no other; checked again for the type system). */
function indexedType(type: string): IndexedType {
  const spec = findSearchable(type);
  if (!spec)
    throw new AppError("VALIDATION_ERROR", [{ path: "type", message: "this type has no index yet" }]);
  return spec.type;
}

/** Rebuilds the indexes; the route admits administrators only (`requireRole`). */
export async function requestRebuild(deps: Deps, body: z.output<typeof RebuildBody>) {
  if (body.engine === "meilisearch" && !meiliOf(deps.env)) throw new AppError("SEARCH_ENGINE_NOT_CONFIGURED");
  const types: IndexedType[] = body.type === "all" ? indexedTypes() : [indexedType(body.type)];
  const run = newId(deps.now);
  await Promise.all(
    types.map((type) =>
      enqueue(deps.env.SEARCH_QUEUE, searchIndexSchema, `rebuild:${run}:${type}:start`, {
        type,
        rebuild: { after: "", run, targets: body.engine },
      }),
    ),
  );
  return { run, types, engine: body.engine };
}
