/// <reference types="vite/client" />
import { env } from "cloudflare:test";
import { Column, getTableName, is, sql, Table } from "drizzle-orm";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import "../../src/app";
import { maintenanceTasks, purgeTask } from "../../src/core/cron";
import { createDb } from "../../src/core/db";
import { purgeOrder, registeredModules } from "../../src/core/module";
import { notificationType } from "../../src/core/notifications";
import { registeredSearchables } from "../../src/core/searchables";
import { registeredTargets, targetVisibleSql } from "../../src/core/targets";
import * as schema from "../../src/db/schema";
import { MODULES } from "../../src/modules";
import { indexedTypes, SEARCH_TYPES } from "../../src/modules/search/types";
import { registeredErrorCodes } from "../../src/platform/errors";
import { registeredRateLimits } from "../../src/platform/rate-limit";

/**
 * Guards of the module kernel: what a new module forgets shows here, not as a privacy bug later.
 * Columns ending in _id or _by that can never hold a member id (they name posts, media, sessions...).
 */
const NOT_MEMBER_IDS = new Set([
  "post_id",
  "comment_id",
  "parent_id",
  "job_id",
  "article_id",
  "skill_id",
  "hashtag_id",
  "poll_id",
  "option_id",
  "notification_id",
  "conversation_id",
  "media_id",
  "avatar_media_id",
  "session_id",
  "repost_of_id",
]);

const tables = Object.values(schema)
  .filter((t) => is(t, Table))
  .map((t) => getTableConfig(t as Parameters<typeof getTableConfig>[0]));

const sources = import.meta.glob("../../src/**/*.ts", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("the module kernel", () => {
  it("registers every module of the list, once", () => {
    expect(registeredModules().map((m) => m.name)).toEqual(MODULES.map((m) => m.name));
  });

  it("purges or explains every column that may hold a member's id", () => {
    const declared = new Map<string, string>();
    const nameOf = (column: Column) => `${getTableName(column.table)}.${column.name}`;
    for (const m of registeredModules()) {
      for (const column of m.purge?.memberColumns ?? []) declared.set(nameOf(column), m.name);
      for (const [column, reason] of m.purge?.keeps ?? []) {
        expect(reason.trim(), `${nameOf(column)} kept without a reason`).not.toBe("");
        declared.set(nameOf(column), m.name);
      }
    }
    const unclassified = tables.flatMap((t) =>
      t.columns
        .map((c) => c.name)
        .filter((name) => /(_id|_by)$/.test(name) && !NOT_MEMBER_IDS.has(name))
        .filter((name) => !declared.has(`${t.name}.${name}`))
        .map((name) => `${t.name}.${name}`),
    );
    expect(unclassified, "columns no module purges (memberColumns) or keeps with a reason (keeps)").toEqual(
      [],
    );
    const known = new Set(tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)));
    expect(
      [...declared.keys()].filter((c) => !known.has(c)),
      "declared columns that do not exist",
    ).toEqual([]);
  });

  it("orders the purge so that every module runs after the ones it names", () => {
    const order = purgeOrder().map((m) => m.name);
    for (const m of registeredModules()) {
      for (const first of m.purge?.after ?? [])
        expect(order.indexOf(first)).toBeLessThan(order.indexOf(m.name));
    }
    expect(maintenanceTasks().at(-1)?.name).toBe(purgeTask().name);
  });

  it("knows every error code, rate limit and notification type the code uses", () => {
    const codes = new Set(registeredErrorCodes());
    const policies = registeredRateLimits();
    const used = { codes: new Set<string>(), policies: new Set<string>(), types: new Set<string>() };
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/(?:AppError|fail|conflict)\("([A-Z_]+)"/g)) used.codes.add(m[1]!);
      for (const m of text.matchAll(
        /(?:rateLimit|enforceRateLimit\w*|hasRateLimitLeft)\((?:[^"()]*, )?"([a-z-]+)"/g,
      ))
        used.policies.add(m[1]!);
      for (const m of text.matchAll(/type: "([a-z_]+)" as const,\s*actorId/g)) used.types.add(m[1]!);
    }
    expect(used.codes.size).toBeGreaterThan(20);
    expect(
      [...used.codes].filter((c) => !codes.has(c)),
      "unregistered error codes",
    ).toEqual([]);
    expect(
      [...used.policies].filter((p) => !policies.has(p)),
      "unregistered rate limits",
    ).toEqual([]);
    expect(
      [...used.types].filter((t) => !notificationType(t)),
      "unregistered notification types",
    ).toEqual([]);
  });

  it("registers each target once, with a table and a visibility rule", () => {
    const targets = registeredTargets();
    expect(targets.map((t) => t.type).sort()).toEqual(["comment", "conversation", "hashtag", "post", "user"]);
    const schemaTables = new Set<unknown>(Object.values(schema).filter((t) => is(t, Table)));
    for (const t of targets) expect(schemaTables.has(t.id.table), getTableName(t.id.table)).toBe(true);
  });

  it("runs each target's visibility rule on its own table, for members and anonymous readers", async () => {
    const db = createDb(env.DB);
    const { createUser } = await import("../support/users");
    const viewer = await createUser();
    for (const t of registeredTargets()) {
      expect(getTableName(t.table), `${t.type} table`).toBe(getTableName(t.id.table));
      for (const who of [viewer.id, undefined]) {
        // An id that names nothing is never visible; a broken rule would throw here instead.
        const row = await db.get<{ ok: number }>(sql`SELECT ${targetVisibleSql(t, who, "nothing")} AS ok`);
        expect(row.ok, `${t.type} for ${who ?? "anonymous"}`).toBe(0);
      }
    }
    // A visible row passes: the viewer themselves as a member target.
    const user = registeredTargets().find((t) => t.type === "user")!;
    const self = await db.get<{ ok: number }>(
      sql`SELECT ${targetVisibleSql(user, viewer.id, viewer.id)} AS ok`,
    );
    expect(self.ok).toBe(1);
  });

  it("registers each searchable type once, listed by the module that owns it, over a migrated FTS5 table", async () => {
    const searchables = registeredSearchables();
    expect(searchables.map((s) => s.type).sort()).toEqual(["people", "posts"]);
    // Search iterates the manifests' lists, in module order; each declaration is listed exactly once.
    const listed = registeredModules().flatMap((m) => (m.search ?? []).map((s) => ({ module: m.name, s })));
    expect(listed.map((l) => l.s).sort((a, b) => a.type.localeCompare(b.type))).toEqual(
      [...searchables].sort((a, b) => a.type.localeCompare(b.type)),
    );
    expect(listed.map((l) => [l.s.type, l.module])).toEqual([
      ["people", "profiles"],
      ["posts", "posts"],
    ]);
    expect(indexedTypes()).toEqual(["people", "posts"]);
    for (const s of searchables) {
      expect(SEARCH_TYPES, "the API accepts it").toContain(s.type);
      const table = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = ?")
        .bind(s.table)
        .first<{ sql: string }>();
      expect(table?.sql, s.table).toMatch(/USING fts5/i);
      const { results } = await env.DB.prepare(`PRAGMA table_info(${s.table})`).all<{ name: string }>();
      const names = s.columns.map((c) => c.name);
      expect(
        results.map((r) => r.name),
        `${s.table} columns`,
      ).toEqual(names);
      for (const b of s.branches)
        for (const c of b.columns ?? []) expect(names, `${s.type} branch`).toContain(c);
      if (s.location) {
        expect(names, `${s.type} location`).toContain(s.location.column);
        expect(s.filterable, `${s.type} location`).toContain(s.location.attribute);
      }
    }
  });

  it("declares targets through schema columns, with counters where reactions, bookmarks and follows look for them", () => {
    const targets = registeredTargets();
    for (const t of targets) {
      if (t.owner) expect(t.owner.table, `${t.type} owner`).toBe(t.id.table);
      const { bookmarks, followers, following } = t.counters ?? {};
      for (const counter of [bookmarks, followers, following]) {
        if (!counter) continue;
        const { column, key } = is(counter, Column) ? { column: counter, key: t.id } : counter;
        expect(column.table, `${t.type} counter ${column.name}`).toBe(key.table);
        expect(column.columnType, `${t.type} counter ${column.name}`).toBe("SQLiteInteger");
      }
      // Reaction counters: one integer column of the target's own table per type, in REACTION_TYPES order.
      const reactionCounters = t.counters?.reactions;
      if (reactionCounters) {
        expect(
          reactionCounters.map((c) => [c.table === t.id.table, c.columnType, c.name]),
          `${t.type} reaction counters`,
        ).toEqual(schema.REACTION_TYPES.map((type) => [true, "SQLiteInteger", `r_${type.toLowerCase()}`]));
      }
    }
    const codes = (has: (t: (typeof targets)[number]) => unknown) =>
      targets
        .filter(has)
        .map((t) => t.code)
        .sort();
    expect(codes((t) => t.counters?.reactions)).toEqual(["COMMENT", "POST"]);
    expect(codes((t) => t.counters?.bookmarks)).toEqual(["POST"]);
    expect(codes((t) => t.counters?.followers)).toEqual(["HASHTAG", "USER"]);
  });
});

describe("entitlements", () => {
  it("let everyone use ungated features, refuse gated ones without a plan, and admit a member whose plan grants it", async () => {
    const { Hono } = await import("hono");
    const { entitled, gateFeatures, provideEntitlements, requireEntitlement } = await import(
      "../../src/core/identity/entitlements"
    );
    const { errorBody } = await import("../../src/platform/errors");
    const { AppError } = await import("../../src/platform/errors");
    const env = {} as never;
    expect(await entitled(env, "m1", "kernel-test-open", 0)).toBe(true);
    gateFeatures("kernel-test-gated");
    expect(await entitled(env, "m1", "kernel-test-gated", 0)).toBe(false);

    const app = new Hono<{ Variables: { user: unknown; clock: { now(): number } } }>();
    app.use(async (c, next) => {
      c.set("user", { id: c.req.header("x-member") });
      c.set("clock", { now: () => 0 });
      await next();
    });
    app.onError((err, c) =>
      err instanceof AppError ? c.json(errorBody(err.code, "en", err.details), 403) : c.text("boom", 500),
    );
    app.get("/gated", requireEntitlement("kernel-test-gated") as any, (c) => c.text("ok"));
    const refused = await app.request("/gated", { headers: { "x-member": "m1" } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("PREMIUM_REQUIRED");

    provideEntitlements({
      featuresOf: async (_env, memberId) => new Set(memberId === "m2" ? ["kernel-test-gated"] : []),
      plansGranting: () => ["PREMIUM_CAREER"],
    });
    expect((await app.request("/gated", { headers: { "x-member": "m2" } })).status).toBe(200);
    const stillRefused = await app.request("/gated", { headers: { "x-member": "m1" } });
    expect(JSON.stringify(await stillRefused.json())).toContain("PREMIUM_CAREER");
  });
});
