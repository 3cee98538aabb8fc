import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contentAuthorVisibleSql } from "../../src/core/access/members";
import { viewerRef } from "../../src/core/access/posts";
import { contentAuthorVisible } from "../../src/core/access/twins";
import { createDb } from "../../src/core/db";
import { newId } from "../../src/platform/ids";

/**
 * The shadowban rule in SQL (contentAuthorVisibleSql) and its in-memory twin (contentAuthorVisible) give
 * the same answer for every account status, shadowban flag and viewer (the author, someone else, nobody).
 */
const db = createDb(env.DB);
const STATUSES = ["ACTIVE", "SUSPENDED", "DELETED"] as const;

describe("contentAuthorVisible, the twin of contentAuthorVisibleSql", () => {
  it("answers like the SQL rule, row by row", async () => {
    const now = Date.now();
    const other = newId(now);
    const rows: { id: string; status: (typeof STATUSES)[number]; shadowbanned: boolean }[] = [];
    for (const status of STATUSES)
      for (const shadowbanned of [false, true]) {
        const id = newId(now);
        rows.push({ id, status, shadowbanned });
        await env.DB.prepare(
          `INSERT INTO users (id, username, email, password_hash, display_name, role, status, shadowbanned, created_at, updated_at)
           VALUES (?, ?, ?, 'x', 'Twin', 'member', ?, ?, ?, ?)`,
        )
          .bind(id, `twin${id.toLowerCase()}`, `${id}@twins.test`, status, shadowbanned ? 1 : 0, now, now)
          .run();
      }
    const table: string[] = [];
    for (const row of rows)
      for (const viewer of [row.id, other, undefined]) {
        const got = await db.get<{ v: number }>(
          sql`SELECT ${contentAuthorVisibleSql(row.id, viewer === undefined ? undefined : viewerRef(viewer))} AS v`,
        );
        const label = `${row.status} shadowbanned=${row.shadowbanned} viewer=${viewer === row.id ? "author" : viewer ? "other" : "anonymous"}`;
        expect(got!.v === 1, label).toBe(contentAuthorVisible(row, viewer));
        table.push(`${label}: ${got!.v}`);
      }
    // The rule itself: only an active author's content shows, and a shadowbanned author's to the author alone.
    expect(table.filter((l) => l.endsWith(": 1"))).toEqual([
      "ACTIVE shadowbanned=false viewer=author: 1",
      "ACTIVE shadowbanned=false viewer=other: 1",
      "ACTIVE shadowbanned=false viewer=anonymous: 1",
      "ACTIVE shadowbanned=true viewer=author: 1",
    ]);
  });
});
