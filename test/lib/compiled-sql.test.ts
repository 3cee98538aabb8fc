import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { viewerRef } from "../../src/core/access/posts";
import { CompiledSql, compile, VIEWER_STAND_IN } from "../../src/platform/db/compiled";

describe("compile: drizzle SQL to numbered parameters", () => {
  it("numbers values by name, binds the viewer once as ?1 and keeps literals and comments intact", () => {
    const q = sql`SELECT ${sql.placeholder("a")} AS a, '?' AS q, 'it''s ?' AS s, ${viewerRef(VIEWER_STAND_IN)} AS v1,
      ${VIEWER_STAND_IN} AS v2 -- who's asking?
      , ${sql.placeholder("a")} AS again, ${sql.placeholder("b")} AS b, ${"fixed"} AS c`;
    const { text, slots } = compile(q);
    expect(text).toContain("'?' AS q, 'it''s ?' AS s");
    expect(text).not.toContain(VIEWER_STAND_IN);
    expect(text).not.toContain("who's asking");
    expect(slots).toEqual([
      { kind: "value", name: "a" },
      { kind: "viewer" },
      { kind: "value", name: "b" },
      { kind: "constant", value: "fixed" },
    ]);
    expect(text.match(/\?\d+/g)).toEqual(["?1", "?2", "?2", "?1", "?3", "?4"]);
  });

  it("skips block comments and refuses text it cannot read safely", () => {
    const { text, slots } = compile(sql`SELECT /* isn't ? */ ${sql.placeholder("a")} AS a`);
    expect(text).not.toContain("isn't");
    expect(slots).toEqual([{ kind: "value", name: "a" }]);
    expect(() => compile(sql`SELECT ${sql.raw("'open")}`)).toThrow(/unterminated/);
    expect(() => compile(sql`SELECT 1 /* open`)).toThrow(/unterminated/);
  });
});

describe("CompiledSql against D1", () => {
  const statement = new CompiledSql<{ n: number; word: string }, "plain" | "doubled">(
    (viewerId, p, variant) =>
      viewerId
        ? sql`SELECT ${viewerRef(viewerId)} AS viewer, ${variant === "doubled" ? sql`${p.n} * 2` : p.n} AS n, ${p.word} AS word, ${p.word} || '?' AS asked`
        : sql`SELECT NULL AS viewer, ${p.n} AS n, ${p.word} AS word, 'anonymous' AS asked`,
  );

  it("binds each request's viewer and values into the text compiled once per variant", async () => {
    expect(
      await statement.first(env.DB, "01KAAAAAAAAAAAAAAAAAAAAAAA", { n: 3, word: "سلام" }, "plain"),
    ).toEqual({
      viewer: "01KAAAAAAAAAAAAAAAAAAAAAAA",
      n: 3,
      word: "سلام",
      asked: "سلام?",
    });
    expect(
      await statement.all(env.DB, "01KBBBBBBBBBBBBBBBBBBBBBBB", { n: 4, word: "hi" }, "doubled"),
    ).toEqual([{ viewer: "01KBBBBBBBBBBBBBBBBBBBBBBB", n: 8, word: "hi", asked: "hi?" }]);
    expect(await statement.first(env.DB, undefined, { n: 5, word: "x" }, "plain")).toEqual({
      viewer: null,
      n: 5,
      word: "x",
      asked: "anonymous",
    });
  });

  it("refuses to run with a value missing rather than binding null", async () => {
    expect(() => statement.bind(env.DB, undefined, { n: 1 } as { n: number; word: string })).toThrow(/word/);
  });
});
