import { type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { hmacSign, sha256Hex, timingSafeEqual } from "../../src/platform/crypto";
import { keyset } from "../../src/platform/db/keyset";
import { base64url, fromBase64url, fromUtf8, hex, utf8 } from "../../src/platform/encoding";
import { AppError } from "../../src/platform/errors";
import { ID_PATTERN, idFloorAt, newId, timeOfId } from "../../src/platform/ids";
import { decodeCursor, encodeCursor } from "../../src/platform/pagination";

describe("ids", () => {
  it("are 26 Crockford characters, strictly increasing within one millisecond, and carry their time", () => {
    const at = Date.UTC(2026, 4, 1, 10, 0, 0);
    const ids = Array.from({ length: 500 }, () => newId(at));
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(timeOfId(ids[0]!)).toBe(at);
    expect(idFloorAt(at) <= ids[0]!).toBe(true);
    expect(idFloorAt(at + 1) > ids[ids.length - 1]!).toBe(true);
  });

  it("never go backwards when the clock does", () => {
    const a = newId(Date.UTC(2030, 0, 1));
    const b = newId(Date.UTC(2029, 0, 1));
    expect(b > a).toBe(true);
  });
});

describe("pagination cursors", () => {
  it("round-trip their sort key, also with Arabic text", () => {
    const value = { id: "01J0000000000000000000000A", score: 12.5, tag: "مجلس" };
    expect(decodeCursor(encodeCursor(value), ["id", "score", "tag"])).toEqual(value);
    expect(decodeCursor(undefined, ["id"])).toBeUndefined();
  });

  it.each([
    ["garbage", "!!!"],
    ["not JSON", base64url(utf8("{nope"))],
    ["a missing key", encodeCursor({ other: 1 })],
    ["a nested value", base64url(utf8(JSON.stringify({ id: { $gt: "" } })))],
    ["an array", base64url(utf8("[1,2]"))],
  ])("refuse %s with 400 INVALID_CURSOR", (_label, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, ["id"]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe("INVALID_CURSOR");
  });
});

describe("codecs and HMAC", () => {
  it("base64url round-trips every byte value and length, without padding or +/", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = base64url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64url(text)).toEqual(bytes);
    }
    expect(fromUtf8(utf8("مرحبا 👋"))).toBe("مرحبا 👋");
    expect(hex(new Uint8Array([0, 15, 255]))).toBe("000fff");
  });

  it("signs with HMAC-SHA-256 (RFC 4231 test case 2) and hashes with SHA-256", async () => {
    const sig = await hmacSign("Jefe", "what do ya want for nothing?");
    expect(hex(fromBase64url(sig))).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("compares secrets in full: equal only when every byte is", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "abcd")).toBe(false);
    expect(timingSafeEqual("", "")).toBe(true);
  });
});

describe("keyset pagination", () => {
  const dialect = new SQLiteAsyncDialect();
  const render = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return { sql: text, params };
  };
  type Row = { at: number; id: string };
  const byNewest = keyset("desc", {
    t: { column: sql.raw("b.created_at"), type: "number", of: (r: Row) => r.at },
    id: { column: sql.raw("b.id"), type: "string", of: (r: Row) => r.id },
  });

  it("orders, compares after the cursor and cuts pages with one key", () => {
    expect(render(byNewest.orderBy).sql).toBe("b.created_at DESC, b.id DESC");
    expect(render(byNewest.after(undefined)).sql).toBe("1 = 1");
    const rows = [
      { at: 3, id: "c" },
      { at: 2, id: "b" },
      { at: 2, id: "a" },
    ];
    const first = byNewest.page(rows, 2);
    expect(first.data).toEqual(rows.slice(0, 2));
    expect(decodeCursor(first.nextCursor!, ["t", "id"])).toEqual({ t: 2, id: "b" });
    expect(render(byNewest.after(first.nextCursor!))).toEqual({
      sql: "(b.created_at, b.id) < (?, ?)",
      params: [2, "b"],
    });
    expect(byNewest.page(rows, 3).nextCursor).toBeNull();
  });

  it("refuses a cursor whose fields have the wrong type", () => {
    const bad = encodeCursor({ t: "2", id: "b" });
    expect(() => byNewest.after(bad)).toThrow(AppError);
    expect(() => byNewest.after(encodeCursor({ t: 2 }))).toThrow(AppError);
  });

  it("compares one column directly, ascending when asked", () => {
    const oldest = keyset("asc", { id: { column: sql.raw("id"), type: "string", of: (r: Row) => r.id } });
    expect(render(oldest.after(encodeCursor({ id: "x" })))).toEqual({ sql: "id > ?", params: ["x"] });
    expect(render(oldest.orderBy).sql).toBe("id ASC");
  });
});
