import { describe, expect, it } from "vitest";
import { connect } from "../support/graph";
import { patch } from "../support/http";
import { createUsers, type TestUser } from "../support/users";
import { type Event, socketsClosedAfterEach } from "../support/ws";

const socket = socketsClosedAfterEach();

const about = (user: TestUser) => (e: Event) => e.userId === user.id;

describe("presence", () => {
  it("is online while any tab is open, away when every tab is away, offline when the last one closes", async () => {
    const [a, b] = await createUsers(2);
    await connect(a!, b!);
    const watcher = await socket(b!.token);

    const tab1 = await socket(a!.token);
    expect(await watcher.next("presence", about(a!))).toMatchObject({ userId: a!.id, status: "online" });
    const tab2 = await socket(a!.token);
    tab1.close();
    await watcher.expectNone("presence", 300, about(a!));

    await tab2.request({ type: "presence", status: "away" });
    expect((await watcher.next("presence", about(a!))).status).toBe("away");
    const tab3 = await socket(a!.token);
    expect((await watcher.next("presence", about(a!))).status).toBe("online");
    tab3.close();
    expect((await watcher.next("presence", about(a!))).status).toBe("away");
    tab2.close();
    const offline = await watcher.next("presence", about(a!));
    expect(offline.status).toBe("offline");
    expect(Date.parse(offline.lastSeenAt)).toBeGreaterThan(0);
  });

  it("sends a snapshot of online connections when a socket opens, and nothing to non-connections", async () => {
    const [a, b, stranger] = await createUsers(3);
    await connect(a!, b!);
    await socket(a!.token);
    const sb = await socket(b!.token);
    const snapshot = await sb.next("presence.snapshot");
    expect(snapshot.users).toEqual([{ userId: a!.id, status: "online", lastSeenAt: expect.any(String) }]);
    const ss = await socket(stranger!.token);
    expect((await ss.next("presence.snapshot")).users).toEqual([]);
    await socket(a!.token);
    await ss.expectNone("presence", 300);
  });

  it("hides a member who turned showActivityStatus off: they appear offline", async () => {
    const [a, b] = await createUsers(2);
    await connect(a!, b!);
    const res = await patch(
      "/api/v1/profiles/me",
      { privacy: { showActivityStatus: false } },
      { token: a!.token },
    );
    expect(res.status).toBe(200);
    const watcher = await socket(b!.token);
    await watcher.next("presence.snapshot");
    const sa = await socket(a!.token);
    await watcher.expectNone("presence", 300, about(a!));
    const late = await socket(b!.token);
    expect((await late.next("presence.snapshot")).users).toEqual([]);
    sa.close();
    await watcher.expectNone("presence", 300, about(a!));
  });
});
