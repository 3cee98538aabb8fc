import { describe, expect, it } from "vitest";
import { freshIp, post } from "../support/http";
import { createUser } from "../support/users";
import { TestSocket } from "../support/ws";

describe("ending sessions closes their WebSockets", () => {
  it("logout closes this session's socket and leaves other devices connected", async () => {
    const user = await createUser();
    const other = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: freshIp() },
    );
    const mine = await TestSocket.open(user.token);
    const theirs = await TestSocket.open(other.body.accessToken);
    expect((await post("/api/v1/auth/logout", undefined, { token: user.token })).status).toBe(204);
    await mine.closedWith();
    expect(theirs.closed).toBeNull();
    theirs.close();
  });

  it("logout-all closes every socket of the member", async () => {
    const user = await createUser();
    const other = await post(
      "/api/v1/auth/login",
      { identifier: user.username, password: user.password },
      { ip: freshIp() },
    );
    const sockets = [await TestSocket.open(user.token), await TestSocket.open(other.body.accessToken)];
    await post("/api/v1/auth/logout-all", undefined, { token: user.token });
    for (const s of sockets) await s.closedWith();
  });
});
