import { env } from "cloudflare:test";
import { type SQL, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { activeUserSql, blockedEitherWaySql } from "../../src/core/access/members";
import { blockedEitherWay, isActiveStatus } from "../../src/core/access/twins";
import { createDb } from "../../src/core/db";
import { blocks, conversationMembers, conversations, users } from "../../src/db/schema";
import { RoomMembers } from "../../src/modules/conversations/chat-room-members";
import { type RoomState, roomStateOf, viewerOf } from "../../src/modules/conversations/chat-room-state";
import { maySee, seesMember, type Viewer } from "../../src/modules/conversations/rules";
import { loadRoom } from "../../src/modules/conversations/store";
import { newId } from "../../src/platform/ids";

/**
 * The chat room decides from memory what D1 decides with SQL: who is active, who is hidden from whom by a
 * block, which messages a member may read. The twins (src/core/access/twins.ts) must answer like the SQL
 * rules (src/core/access/members.ts) for every row. The cases are built straight in D1, every pair of
 * members is asked both ways, and the answers are compared row by row.
 */
const db = createDb(env.DB);
const NOW = 1_700_000_000_000;

type Name =
  | "reader"
  | "plain"
  | "blockedByReader"
  | "blocksReader"
  | "mutual"
  | "suspended"
  | "deleted"
  | "left"
  | "lateJoiner"
  | "outsider";
const STATUS: Partial<Record<Name, "SUSPENDED" | "DELETED">> = { suspended: "SUSPENDED", deleted: "DELETED" };
/** Members of the group and the seq after which they see messages (`left` and `outsider` are not members). */
const JOINED: Partial<Record<Name, number>> = {
  reader: 0,
  plain: 0,
  blockedByReader: 0,
  blocksReader: 0,
  mutual: 2,
  suspended: 0,
  deleted: 0,
  lateJoiner: 5,
};
const BLOCKS: [Name, Name][] = [
  ["reader", "blockedByReader"],
  ["blocksReader", "reader"],
  ["reader", "mutual"],
  ["mutual", "reader"],
  ["plain", "suspended"],
  ["left", "plain"],
  ["outsider", "lateJoiner"],
];
/** Hypothetical messages of the log: [seq, sender]. */
const MESSAGES: [number, Name][] = [
  [1, "plain"],
  [2, "blockedByReader"],
  [3, "blocksReader"],
  [4, "mutual"],
  [5, "suspended"],
  [6, "deleted"],
  [7, "lateJoiner"],
  [8, "reader"],
  [9, "plain"],
  [3, "left"],
];

const names = Object.keys({
  reader: 0,
  plain: 0,
  blockedByReader: 0,
  blocksReader: 0,
  mutual: 0,
  suspended: 0,
  deleted: 0,
  left: 0,
  lateJoiner: 0,
  outsider: 0,
} satisfies Record<Name, 0>) as Name[];
const ids = {} as Record<Name, string>;
const nameOf = new Map<string, Name>();
let conversationId: string;

beforeAll(async () => {
  for (const n of names) {
    ids[n] = newId();
    nameOf.set(ids[n], n);
  }
  const suffix = newId().slice(-8).toLowerCase();
  // One row per statement: D1 binds at most 100 parameters.
  for (const n of names) {
    await db.insert(users).values({
      id: ids[n],
      username: `tw_${n.slice(0, 10).toLowerCase()}_${suffix}`,
      email: `tw-${n}-${suffix}@example.com`,
      passwordHash: "x",
      displayName: n,
      status: STATUS[n] ?? ("ACTIVE" as const),
      createdAt: NOW,
      updatedAt: NOW,
    });
  }
  await db
    .insert(blocks)
    .values(BLOCKS.map(([a, b]) => ({ blockerId: ids[a], blockedId: ids[b], createdAt: NOW })));
  conversationId = newId();
  await db.insert(conversations).values({
    id: conversationId,
    type: "GROUP",
    name: "twins",
    createdBy: ids.reader,
    lastActivityAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
  });
  await db.insert(conversationMembers).values(
    Object.entries(JOINED).map(([n, joinedSeq]) => ({
      conversationId,
      userId: ids[n as Name],
      role: n === "reader" ? ("ADMIN" as const) : ("MEMBER" as const),
      joinedAt: NOW,
      joinedSeq,
    })),
  );
});

/**
 * One SQL boolean per row of `rows`, evaluated by D1 in one query: the rows travel as one JSON parameter
 * (D1 binds at most 100), and `field` reads a field of the current row.
 */
async function sqlAnswers<R extends Record<string, string | number>>(
  rows: R[],
  condition: (field: (key: keyof R & string) => SQL) => SQL,
): Promise<boolean[]> {
  const field = (key: string) => sql`json_extract(j.value, ${`$.${key}`})`;
  const answers = await db.all<{ v: number }>(
    sql`SELECT ${condition(field)} AS v FROM json_each(${JSON.stringify(rows)}) j ORDER BY j.key`,
  );
  expect(answers.length).toBe(rows.length);
  return answers.map((a) => a.v === 1);
}

/** Every member and non-member as a reader of every message. */
function readerCases() {
  return names.flatMap((reader) =>
    MESSAGES.map(([seq, sender]) => ({ reader, sender, readerId: ids[reader], seq, senderId: ids[sender] })),
  );
}

async function roomState(): Promise<RoomState> {
  const snap = await loadRoom(env.DB, conversationId);
  if (!snap) throw new Error("the conversation was not found");
  return roomStateOf(snap, null, NOW);
}

describe("in-memory twins of the access rules agree with the SQL rules", () => {
  it("blockedEitherWay ≡ blockedEitherWaySql, for every pair both ways", async () => {
    const pairs = names.flatMap((a) => names.map((b) => ({ a, b, idA: ids[a], idB: ids[b] })));
    const stored = await db
      .select({ blocker: blocks.blockerId, blocked: blocks.blockedId })
      .from(blocks)
      .all();
    const rows = stored.map((r) => [r.blocker, r.blocked] as const);
    const fromSql = await sqlAnswers(pairs, (f) => blockedEitherWaySql(f("idA"), f("idB")));
    const table = pairs.map(({ a, b }, i) => ({
      a,
      b,
      sql: fromSql[i],
      twin: blockedEitherWay(rows, ids[a], ids[b]),
    }));
    for (const row of table) expect(row.twin, `${row.a} / ${row.b}`).toBe(row.sql);
    // The cases are there: both directions, and pairs with no block.
    expect(table.filter((r) => r.sql).length).toBe(2 * BLOCKS.length - 2);
  });

  it("the room's active flag ≡ activeUserSql, for every member (suspended and deleted included)", async () => {
    const st = await roomState();
    const members = [...st.members.values()];
    const rows = members.map((m) => ({ id: m.userId }));
    const fromSql = await sqlAnswers(rows, (f) => activeUserSql(f("id")));
    const table = members.map((m, i) => ({ name: nameOf.get(m.userId), sql: fromSql[i], twin: m.active }));
    for (const row of table) expect(row.twin, row.name).toBe(row.sql);
    expect(table.filter((r) => !r.sql).map((r) => r.name)).toEqual(
      expect.arrayContaining(["suspended", "deleted"]),
    );
    const statuses = await db.select({ id: users.id, status: users.status }).from(users).all();
    for (const n of names) {
      const status = statuses.find((s) => s.id === ids[n])?.status;
      expect(isActiveStatus(status), n).toBe(STATUS[n] === undefined);
    }
  });

  it("the room's membership ≡ conversation_members (a member who left is no reader)", async () => {
    const st = await roomState();
    expect(new Set([...st.members.keys()].map((id) => nameOf.get(id)))).toEqual(new Set(Object.keys(JOINED)));
  });

  /**
   * The reader rule as SQL would say it: the reader is a member who joined before the message, and no
   * block stands between reader and sender either way (`blockedEitherWaySql`).
   */
  function readerRuleSql(reader: SQL, seq: SQL, sender: SQL): SQL {
    return sql`(EXISTS (SELECT 1 FROM ${conversationMembers} WHERE ${conversationMembers.conversationId} = ${conversationId}
      AND ${conversationMembers.userId} = ${reader} AND ${conversationMembers.joinedSeq} < ${seq})
      AND NOT ${blockedEitherWaySql(reader, sender)})`;
  }

  it("maySee from the room's cached blocks ≡ the SQL reader rule, for every reader and message", async () => {
    const st = await roomState();
    const cases = readerCases();
    const fromSql = await sqlAnswers(cases, (f) => readerRuleSql(f("readerId"), f("seq"), f("senderId")));
    const twin = (c: (typeof cases)[number]) => {
      const member = st.members.get(ids[c.reader]);
      return (
        member !== undefined && maySee(viewerOf(st, member), { seq: c.seq, sender_id: ids[c.sender] }, false)
      );
    };
    for (const [i, c] of cases.entries())
      expect(twin(c), `${c.reader} reads #${c.seq} by ${c.sender}`).toBe(fromSql[i]);
    // Both answers occur for the reader: the cases cover blocked either way, joined after, left.
    const reader = cases.map((c, i) => [c, fromSql[i]] as const).filter(([c]) => c.reader === "reader");
    expect(reader.filter(([, v]) => v).map(([c]) => c.seq)).toEqual([1, 5, 6, 7, 8, 9, 3]);
  });

  it("maySee with the reader's blocks read fresh (history, resume) ≡ the SQL reader rule", async () => {
    const st = await roomState();
    const members = new RoomMembers(env.DB, () => {});
    const viewers = new Map<Name, Viewer | null>();
    for (const n of names) viewers.set(n, await members.viewer(st, ids[n]));
    const cases = readerCases();
    const fromSql = await sqlAnswers(cases, (f) => readerRuleSql(f("readerId"), f("seq"), f("senderId")));
    for (const [i, c] of cases.entries()) {
      const viewer = viewers.get(c.reader);
      const twin = viewer ? maySee(viewer, { seq: c.seq, sender_id: ids[c.sender] }, false) : false;
      expect(twin, `${c.reader} reads #${c.seq} by ${c.sender}`).toBe(fromSql[i]);
    }
  });

  it("seesMember between members ≡ NOT blockedEitherWaySql, for every pair of members", async () => {
    const st = await roomState();
    const members = [...st.members.values()];
    const pairs = members.flatMap((m) => members.map((o) => ({ reader: m.userId, other: o.userId })));
    const fromSql = await sqlAnswers(pairs, (f) => sql`NOT ${blockedEitherWaySql(f("reader"), f("other"))}`);
    for (const [i, { reader, other }] of pairs.entries()) {
      const viewer = viewerOf(st, st.members.get(reader)!);
      expect(seesMember(viewer, other), `${nameOf.get(reader)} sees ${nameOf.get(other)}`).toBe(fromSql[i]);
    }
  });
});
