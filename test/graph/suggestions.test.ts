import { describe, expect, it } from "vitest";
import { block, connect } from "../support/graph";
import { env, get, post } from "../support/http";
import { createUser, type TestUser, uniqueName } from "../support/users";
import { members, setPrivacy, setStatus } from "./helpers";

/** Profile rows written directly: how the profiles module fills them is not under test here. */
let seq = 0;
async function worksAt(user: TestUser, company: string, key: string) {
  seq++;
  await env.DB.prepare(
    "INSERT INTO experiences (id, user_id, title, company, company_key, start_date, position) VALUES (?, ?, 'Engineer', ?, ?, '2020-01', 0)",
  )
    .bind(`exp${seq}${uniqueName()}`, user.id, company, key)
    .run();
}
async function studiedAt(user: TestUser, school: string, key: string) {
  seq++;
  await env.DB.prepare(
    "INSERT INTO educations (id, user_id, school, school_key, position) VALUES (?, ?, ?, ?, 0)",
  )
    .bind(`edu${seq}${uniqueName()}`, user.id, school, key)
    .run();
}
async function hasSkills(user: TestUser, keys: string[]) {
  for (const key of keys) {
    seq++;
    await env.DB.prepare("INSERT INTO skills (id, user_id, name, name_key, position) VALUES (?, ?, ?, ?, 0)")
      .bind(`skl${seq}${uniqueName()}`, user.id, key, key)
      .run();
  }
}

const suggest = (u: TestUser, query = "") =>
  get(`/api/v1/connections/suggestions${query}`, { token: u.token });
const suggestedIds = (res: { body: { data: { user: { id: string } }[] } }) =>
  res.body.data.map((s) => s.user.id);

describe("GET /api/v1/connections/suggestions", () => {
  it("suggests connections of connections and members sharing a company, school or skills, best first", async () => {
    const [me, x, y, twoMutual, oneMutual, colleague, classmate, skilled] = await members(8);
    const tag = uniqueName("k");
    await connect(me, x);
    await connect(me, y);
    await connect(x, twoMutual);
    await connect(y, twoMutual);
    await connect(x, oneMutual);
    await worksAt(me, "Aramco", `aramco${tag}`);
    await worksAt(colleague, "ARAMCO Ltd", `aramco${tag}`);
    await studiedAt(me, "جامعة الملك سعود", `ksu${tag}`);
    await studiedAt(classmate, "King Saud University", `ksu${tag}`);
    await hasSkills(me, [`ts${tag}`, `sql${tag}`, `go${tag}`]);
    await hasSkills(skilled, [`ts${tag}`, `sql${tag}`]);

    const res = await suggest(me);
    expect(res.status).toBe(200);
    // 20 (two mutual), 10 (one mutual), 6 (company), 5 (school), 4 (two skills)
    expect(suggestedIds(res)).toEqual([twoMutual.id, oneMutual.id, colleague.id, classmate.id, skilled.id]);
    const [first, , third, fourth, fifth] = res.body.data;
    expect(first).toMatchObject({
      mutualConnections: 2,
      score: 20,
      reasons: [{ type: "MUTUAL_CONNECTIONS", count: 2 }],
    });
    expect(first.user).toMatchObject({ id: twoMutual.id, username: twoMutual.username });
    expect(third).toMatchObject({
      mutualConnections: 0,
      score: 6,
      reasons: [{ type: "SAME_COMPANY", count: 1, name: "Aramco" }],
    });
    expect(fourth.reasons).toEqual([{ type: "SAME_SCHOOL", count: 1, name: "جامعة الملك سعود" }]);
    expect(fifth).toMatchObject({ score: 4, reasons: [{ type: "SHARED_SKILLS", count: 2 }] });

    expect(suggestedIds(await suggest(me, "?limit=2"))).toEqual([twoMutual.id, oneMutual.id]);
  });

  it("combines reasons for the same member", async () => {
    const [me, x, both] = await members(3);
    const tag = uniqueName("k");
    await connect(me, x);
    await connect(x, both);
    await worksAt(me, "Careem", `careem${tag}`);
    await worksAt(both, "Careem", `careem${tag}`);
    await hasSkills(me, [`py${tag}`]);
    await hasSkills(both, [`py${tag}`]);
    const [only] = (await suggest(me)).body.data;
    expect(only.user.id).toBe(both.id);
    expect(only.score).toBe(10 + 6 + 2);
    expect(only.reasons.map((r: { type: string }) => r.type)).toEqual([
      "MUTUAL_CONNECTIONS",
      "SAME_COMPANY",
      "SHARED_SKILLS",
    ]);
  });

  it("never suggests yourself, connections, open requests, blocked or deleted members", async () => {
    const [me, hub, connected, askedMe, iAsked, blockedByMe, blockedMe, gone, ok] = await members(9);
    const tag = uniqueName("k");
    for (const u of [me, connected, askedMe, iAsked, blockedByMe, blockedMe, gone, ok])
      await worksAt(u, "Noon", `noon${tag}`);
    // Everyone is also a connection of my connection `hub`.
    await connect(me, hub);
    for (const u of [connected, askedMe, iAsked, blockedByMe, blockedMe, gone, ok]) await connect(hub, u);
    await connect(me, connected);
    await post("/api/v1/connections/requests", { userId: me.id }, { token: askedMe.token });
    await post("/api/v1/connections/requests", { userId: iAsked.id }, { token: me.token });
    await block(me, blockedByMe);
    await block(blockedMe, me);
    await setStatus(gone, "DELETED");
    const res = await suggest(me);
    expect(suggestedIds(res)).toEqual([ok.id]);
  });

  it("answers an empty list to a newcomer with nothing in common with anyone", async () => {
    const me = await createUser();
    const res = await suggest(me);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });

  it("answers 400 for a limit outside 1-50", async () => {
    const me = await createUser();
    for (const q of ["?limit=0", "?limit=51", "?limit=ten"]) expect((await suggest(me, q)).status).toBe(400);
  });

  it("answers 429 after 60 calls in an hour", async () => {
    const me = await createUser();
    for (let i = 0; i < 60; i++) expect((await suggest(me)).status).toBe(200);
    const refused = await suggest(me);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
  });
});

describe("suggestions use only what the viewer may know", () => {
  it("never uses the company, school or skills of a profile the viewer may not see in full", async () => {
    const [me, priv, conn, pub, friendOfConn] = await members(5);
    const tag = uniqueName("k");
    await setPrivacy(priv, { visibility: "PRIVATE" });
    await setPrivacy(conn, { visibility: "CONNECTIONS" });
    for (const u of [me, priv, conn, pub]) {
      await worksAt(u, "STC", `stc${tag}`);
      await studiedAt(u, "KFUPM", `kfupm${tag}`);
      await hasSkills(u, [`rust${tag}`, `k8s${tag}`]);
    }
    // A connection of the CONNECTIONS member sees their full profile: for them the reasons stand.
    await connect(friendOfConn, conn);
    await worksAt(friendOfConn, "STC", `stc${tag}`);

    const res = await suggest(me);
    // Neither a reason nor a candidate: suggesting them at all would reveal their employer, school or skills.
    expect(suggestedIds(res)).toEqual([pub.id, friendOfConn.id]);
    expect(res.body.data[0].reasons).toEqual([
      { type: "SAME_COMPANY", count: 1, name: "STC" },
      { type: "SAME_SCHOOL", count: 1, name: "KFUPM" },
      { type: "SHARED_SKILLS", count: 2 },
    ]);
    const theirs = await suggest(friendOfConn);
    expect(suggestedIds(theirs)).toContain(pub.id);
    expect(suggestedIds(theirs)).not.toContain(priv.id);
    // conn is already their connection, so never suggested; me and pub are found by the company.
    expect(suggestedIds(theirs)).not.toContain(conn.id);

    // A PRIVATE profile stays out even when the viewer is connected to someone it is connected to.
    const hub = (await members(1))[0];
    await connect(me, hub);
    await connect(hub, priv);
    expect(suggestedIds(await suggest(me))).not.toContain(priv.id);
  });

  it("counts a mutual connection only when both members let the viewer see their connections", async () => {
    const [me, open, hidden, privateBridge, viaOpen, viaHidden, viaPrivate, candidateHides, candidateConn] =
      await members(9);
    await connect(me, open);
    await connect(me, hidden);
    await connect(me, privateBridge);
    await setPrivacy(hidden, { showConnections: false });
    await setPrivacy(privateBridge, { visibility: "PRIVATE" });
    await connect(open, viaOpen);
    await connect(hidden, viaHidden);
    await connect(privateBridge, viaPrivate);
    // viaOpen is reachable through open (counted) and hidden (not counted).
    await connect(hidden, viaOpen);
    // Candidates whose own connections are hidden from the viewer.
    await connect(open, candidateHides);
    await setPrivacy(candidateHides, { showConnections: false });
    await connect(open, candidateConn);
    await setPrivacy(candidateConn, { visibility: "CONNECTIONS" });

    const res = await suggest(me);
    expect(suggestedIds(res)).toEqual([viaOpen.id]);
    expect(res.body.data[0]).toMatchObject({
      mutualConnections: 1,
      score: 10,
      reasons: [{ type: "MUTUAL_CONNECTIONS", count: 1 }],
    });

    // A candidate who hides their connections can still be suggested for what their profile shows.
    const tag = uniqueName("k");
    await worksAt(me, "Tamara", `tamara${tag}`);
    await worksAt(candidateHides, "Tamara", `tamara${tag}`);
    const again = await suggest(me);
    expect(suggestedIds(again)).toEqual([viaOpen.id, candidateHides.id]);
    expect(again.body.data[1]).toMatchObject({
      mutualConnections: 0,
      score: 6,
      reasons: [{ type: "SAME_COMPANY", count: 1, name: "Tamara" }],
    });
  });

  it("uses a CONNECTIONS-only connection as a bridge: the viewer sees their network", async () => {
    const [me, friend, theirFriend] = await members(3);
    await setPrivacy(friend, { visibility: "CONNECTIONS" });
    await connect(me, friend);
    await connect(friend, theirFriend);
    const res = await suggest(me);
    expect(suggestedIds(res)).toEqual([theirFriend.id]);
    expect(res.body.data[0].mutualConnections).toBe(1);
  });
});
