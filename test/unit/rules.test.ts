import { describe, expect, it } from "vitest";
import {
  deleteForEveryoneRefusal,
  editRefusal,
  messagingRefusal,
  reactRefusal,
} from "../../src/modules/conversations/rules";
import { parseRange } from "../../src/modules/media/delivery";

describe("who may message whom (conversations/rules.ts)", () => {
  const facts = (over: Partial<Parameters<typeof messagingRefusal>[0]> = {}) => ({
    blocked: false,
    recipientActive: true,
    recipientAllows: "EVERYONE" as const,
    connected: false,
    ...over,
  });
  it("hides a block and an inactive account as NOT_FOUND, whatever else holds", () => {
    expect(messagingRefusal(facts({ blocked: true, connected: true }), true)).toBe("NOT_FOUND");
    expect(messagingRefusal(facts({ recipientActive: false }), true)).toBe("NOT_FOUND");
  });
  it("follows the recipient's allowMessages until they have written themselves", () => {
    expect(messagingRefusal(facts())).toBeNull();
    expect(messagingRefusal(facts({ recipientAllows: "CONNECTIONS" }))).toBe("MESSAGES_NOT_ALLOWED");
    expect(messagingRefusal(facts({ recipientAllows: "CONNECTIONS", connected: true }))).toBeNull();
    expect(messagingRefusal(facts({ recipientAllows: "NONE", connected: true }))).toBe(
      "MESSAGES_NOT_ALLOWED",
    );
    expect(messagingRefusal(facts({ recipientAllows: "NONE" }), true)).toBeNull();
  });
  it("lets only the sender edit, and only a live message within the window", () => {
    const now = 1_000_000_000;
    const m = { senderId: "a", createdAt: now - 60_000, deletedAt: null };
    expect(editRefusal(m, "a", now)).toBeNull();
    expect(editRefusal(m, "b", now)).toBe("FORBIDDEN");
    expect(editRefusal({ ...m, deletedAt: now }, "a", now)).toBe("MESSAGE_DELETED");
    expect(editRefusal({ ...m, createdAt: now - 16 * 60_000 }, "a", now)).toBe("EDIT_WINDOW_CLOSED");
  });
  it("lets the sender, or a group's admin, delete for everyone; nobody else", () => {
    const m = { senderId: "a", createdAt: 0, deletedAt: null };
    expect(deleteForEveryoneRefusal(m, { id: "a", role: "MEMBER" }, "DIRECT")).toBeNull();
    expect(deleteForEveryoneRefusal(m, { id: "b", role: "ADMIN" }, "GROUP")).toBeNull();
    expect(deleteForEveryoneRefusal(m, { id: "b", role: "MEMBER" }, "GROUP")).toBe("FORBIDDEN");
    expect(deleteForEveryoneRefusal(m, { id: "b", role: "ADMIN" }, "DIRECT")).toBe("FORBIDDEN");
    expect(reactRefusal({ ...m, deletedAt: 1 })).toBe("MESSAGE_DELETED");
  });
});

describe("byte ranges of /media/* (RFC 9110)", () => {
  it.each([
    [undefined, 100, null],
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-500", 100, { start: 0, end: 99 }],
    ["bytes=10-5000", 100, { start: 10, end: 99 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=9-3", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=0-1,5-9", 100, null],
    ["pages=1", 100, null],
    ["bytes=-", 100, null],
  ] as const)("%s of %i bytes", (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
