import { describe, expect, it } from "vitest";
import { block, connect } from "../support/graph";
import { env, get, post } from "../support/http";
import { createUser, type TestUser, uniqueName } from "../support/users";
import { members, setStatus } from "./helpers";

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
