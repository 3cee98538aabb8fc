import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { advanceClockForTests, MINUTE } from "../../src/platform/clock";
import { clientId, directConversation, groupConversation, history, sendHttp } from "../support/conversations";
import { block } from "../support/graph";
import { del, get } from "../support/http";
import { fetchMedia, pdf, png, upload, waitForMedia } from "../support/media";
import { createUser, createUsers, type TestUser } from "../support/users";
import { type Event, socketsClosedAfterEach } from "../support/ws";
import { authOf, loadDocument } from "./harness";

/**
 * The parts of the API the document-driven harness cannot see, checked on their own:
 * - the router's table against /openapi.json: a route the document does not describe is invisible to
 *   the fuzzer and the matrix, so every such route must be on UNDOCUMENTED with a reason;
 * - which operations the document lets anonymous callers use (PUBLIC_OPERATIONS): a route that drops its
 *   `security` would otherwise also drop out of every "needs a token" check;
 * - /media/* delivery (R2 objects by key, signed links for private kinds);
 * - the WebSocket's frames, each of which names a conversation.
 */
const { ops } = await loadDocument();

/** Routes the router serves that /openapi.json does not describe, and why each may stay outside it. */
const UNDOCUMENTED: Record<string, string> = {
  "GET /health": "liveness probe for load balancers; answers {status, version, time} and nothing else",
  "GET /openapi.json": "the document itself",
  "GET /docs": "Swagger UI: a static page that reads /openapi.json",
  "GET /media/*":
    "media delivery: R2 objects by key (bytes, not JSON; ranges, ETags), public prefixes open, private ones need a signed link; checked below",
  "HEAD /media/*": "the same, headers only",
};

/**
 * Operations the document lets anonymous callers use (security missing or listing `{}`), and why.
 * Everything else must require a token; the fuzzer and the matrix then check that it does.
 */
const PUBLIC_OPERATIONS: Record<string, string> = {
  "POST /api/v1/auth/register": "signing up",
  "POST /api/v1/auth/verify-email": "the mailed code is the credential",
  "POST /api/v1/auth/resend-verification": "answers the same whether or not the address exists",
  "POST /api/v1/auth/login": "signing in",
  "POST /api/v1/auth/refresh": "the refresh token is the credential",
  "POST /api/v1/auth/forgot-password": "answers the same whether or not the address exists",
  "POST /api/v1/auth/reset-password": "the mailed token is the credential",
  "GET /api/v1/dev/outbox": "development-only mail catcher; 403 DEV_ONLY outside development",
  "GET /api/v1/profiles/{username}": "public profiles; privacy settings shape the body",
  "GET /api/v1/posts/{id}": "PUBLIC posts are readable signed out",
  "GET /api/v1/posts/{id}/history": "edit history of a readable post",
  "GET /api/v1/posts/{id}/reactions": "reactions of a readable post",
  "GET /api/v1/posts/{id}/comments": "comments of a readable post",
  "GET /api/v1/comments/{id}": "a comment of a readable post",
  "GET /api/v1/comments/{id}/reactions": "reactions of a readable comment",
  "GET /api/v1/polls/{id}/results": "results of a readable, closed poll",
  "GET /api/v1/hashtags/trending": "public trends",
  "GET /api/v1/hashtags/{tag}": "public hashtag page",
  "GET /api/v1/hashtags/{tag}/posts": "public posts of a hashtag",
  "GET /api/v1/profiles/{username}/posts": "a member's public posts",
  "GET /api/v1/realtime":
    "browsers cannot send headers on a WebSocket: the token comes in the query or a subprotocol",
  "PUT /api/v1/media/uploads/{id}": "the signed URL is the credential",
  "GET /api/v1/notifications/unsubscribe": "the signed token in the email link is the credential",
  "POST /api/v1/notifications/unsubscribe": "one-click unsubscribe (RFC 8058) with the signed token",
  "GET /api/v1/push/vapid-public-key": "a public key",
};

describe("the router and the document describe the same API", () => {
  const routed = new Set(
    app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "") || "/"}`),
  );
  const documented = new Set(ops.map((o) => o.key));

  it("every routed endpoint is in /openapi.json or on the UNDOCUMENTED list with a reason", () => {
    const outside = [...routed].filter((k) => !documented.has(k)).sort();
    expect(outside, "routes the harness cannot see: document them, or say in UNDOCUMENTED why not").toEqual(
      Object.keys(UNDOCUMENTED).sort(),
    );
  });

  it("every operation in /openapi.json is routed", () => {
    expect([...documented].filter((k) => !routed.has(k))).toEqual([]);
  });

  it("only the operations on PUBLIC_OPERATIONS let anonymous callers in", () => {
    const open = ops.filter((o) => authOf(o.op).anonymousAllowed).map((o) => o.key);
    expect(
      open.sort(),
      "a route lost (or gained) its `security: bearer`: say why in PUBLIC_OPERATIONS",
    ).toEqual(Object.keys(PUBLIC_OPERATIONS).sort());
  });
});

describe("/media/* delivery", () => {
  async function ready(user: TestUser, kind: string, file: Uint8Array, filename: string) {
    const res = await upload(user.token, { kind, file, filename });
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
    return waitForMedia(user.token, res.body.id);
  }

  it("serves a private document only through its own unexpired signed link", async () => {
    const [owner, stranger] = await createUsers(2);
    const doc = await ready(owner!, "DOCUMENT", pdf(1), "cv.pdf");
    const other = await ready(owner!, "DOCUMENT", pdf(2), "other.pdf");
    expect(doc.status).toBe("READY");
    const url = new URL(doc.url, "http://majlis.test");
    const otherUrl = new URL(other.url, "http://majlis.test");
    expect(url.pathname).toMatch(/^\/media\/documents\//);
    expect(url.searchParams.get("sig")).toBeTruthy();

    // The positive control: the owner's link opens the file.
    const opened = await fetchMedia(url.href);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("cache-control")).toBe("private, no-store");

    // Anyone without the link: not the id, not the bare key, not another file's signature, not a forgery.
    expect((await get(`/api/v1/media/${doc.id}`, { token: stranger!.token })).status).toBe(404);
    expect((await get(`/api/v1/media/${doc.id}`)).status).toBe(401);
    const bare = await fetchMedia(`http://majlis.test${url.pathname}`);
    expect(bare.status).toBe(403);
    const swapped = await fetchMedia(`http://majlis.test${url.pathname}${otherUrl.search}`);
    expect(swapped.status).toBe(403);
    const forged = new URL(url);
    forged.searchParams.set("sig", `${url.searchParams.get("sig")!.slice(0, -2)}AA`);
    expect((await fetchMedia(forged.href)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3_600_000));
    expect((await fetchMedia(longer.href)).status).toBe(403);
    for (const res of [bare, swapped]) expect(res.bytes).not.toEqual(opened.bytes);

    // A link outlives nothing: expired after its 15 minutes, and gone with the file.
    advanceClockForTests(15 * MINUTE + 1000);
    const expired = await fetchMedia(url.href);
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.text()).error.code).toBe("SIGNED_URL_EXPIRED");
    const fresh = await get(`/api/v1/media/${other.id}`, { token: owner!.token });
    expect((await fetchMedia(fresh.body.url)).status).toBe(200);
    expect((await del(`/api/v1/media/${other.id}`, undefined, { token: owner!.token })).status).toBe(204);
    expect((await fetchMedia(fresh.body.url)).status).toBe(404);
  });

  it("serves public images to anyone, never the raw upload, and nothing outside the known prefixes", async () => {
    const owner = await createUser();
    const image = await ready(owner, "POST_IMAGE", await png(64, 48), "p.png");
    const res = await fetchMedia(image.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    const key = new URL(image.url).pathname.replace(/^\/media\//, "");
    for (const path of [
      `raw/${owner.id}/${image.id}`,
      `raw/${key}`,
      `posts/../raw/${image.id}`,
      `${key.replace(/^posts\//, "documents/")}`,
      "secrets/anything",
      "",
    ]) {
      expect((await fetchMedia(`http://majlis.test/media/${path}`)).status, path).toBeGreaterThanOrEqual(403);
    }
    expect((await del(`/api/v1/media/${image.id}`, undefined, { token: owner.token })).status).toBe(204);
    expect((await fetchMedia(image.url)).status).toBe(404);
  });
});

describe("WebSocket frames: every frame that names a conversation checks membership", () => {
  const opened = socketsClosedAfterEach();
  const socket = (user: TestUser) => opened(user.token);

  /** The frames a client can send about a conversation, for one caller (refs are added by request()). */
  const frames = (conversationId: string, seq: number) => [
    { type: "send", conversationId, clientId: clientId(), text: "frame check" },
    { type: "edit", conversationId, seq, text: "edited by someone else" },
    { type: "delete", conversationId, seq, scope: "everyone" },
    { type: "react", conversationId, seq, emoji: "👍" },
    { type: "read", conversationId, seq },
  ];

  /** The owner's view of the log: every message with its text, reactions and deletion. */
  const log = async (owner: TestUser, id: string) => JSON.stringify((await history(owner, id)).data);

  it("a non-member gets NOT_FOUND for every frame, learns nothing and changes nothing", async () => {
    const [owner, member, outsider] = await createUsers(3);
    const id = await groupConversation(owner!, [member!], "إطار");
    const first = await sendHttp(owner!, id, "السجل");
    const [so, sm] = [await socket(outsider!), await socket(member!)];
    const before = await log(owner!, id);
    for (const frame of frames(id, first.seq)) {
      const res = await so.request(frame);
      expect(res, frame.type).toMatchObject({ type: "error", code: "NOT_FOUND" });
    }
    const resumed = await so.request({ type: "resume", conversations: { [id]: 0 } });
    expect(resumed.conversations).toEqual([{ conversationId: id, seq: null, error: "NOT_FOUND" }]);
    so.send({ type: "typing", conversationId: id, state: "start" });
    // A barrier: the outsider's hub passes frames to the room in order, so once this later frame is
    // answered the room has seen the typing frame (and fanned out whatever it was going to).
    expect(await so.request({ type: "read", conversationId: id, seq: first.seq })).toMatchObject({
      code: "NOT_FOUND",
    });
    // The member's socket is the witness: a message sent after the outsider's frames arrives, and no
    // typing indicator or message from the outsider came before it (each member's frames go out in order).
    const witness = await sendHttp(owner!, id, "بعد المحاولات");
    const seen = await sm.next("message", (e: Event) => e.message.seq === witness.seq);
    expect(seen.message.text).toBe("بعد المحاولات");
    expect(
      sm.received.filter((e) => e.userId === outsider!.id || e.message?.senderId === outsider!.id),
    ).toEqual([]);
    expect(so.received.filter((e) => e.type === "message" || e.type === "message.updated")).toEqual([]);
    const after = JSON.parse(await log(owner!, id));
    expect(JSON.stringify(after.slice(0, -1))).toBe(before);
  });

  it("a plain group member may write and react, but not edit or delete for everyone someone else's message", async () => {
    const [owner, member] = await createUsers(2);
    const id = await groupConversation(owner!, [member!], "صلاحيات");
    const first = await sendHttp(owner!, id, "رسالة المالك");
    const sm = await socket(member!);
    const before = await log(owner!, id);
    expect((await sm.request({ type: "edit", conversationId: id, seq: first.seq, text: "x" })).code).toBe(
      "FORBIDDEN",
    );
    expect(
      (await sm.request({ type: "delete", conversationId: id, seq: first.seq, scope: "everyone" })).code,
    ).toBe("FORBIDDEN");
    expect(await log(owner!, id)).toBe(before);
    // The positive control: the same socket's member actions go through.
    expect((await sm.request({ type: "react", conversationId: id, seq: first.seq, emoji: "👍" })).type).toBe(
      "ack",
    );
    const sent = await sm.request({ type: "send", conversationId: id, clientId: clientId(), text: "عضو" });
    expect(sent).toMatchObject({ type: "ack", duplicate: false });
    expect((await sm.request({ type: "read", conversationId: id, seq: sent.seq })).type).toBe("ack");
  });

  it("the blockee of a 1:1 gets NOT_FOUND for every frame once blocked, and could act before", async () => {
    const [owner, blockee] = await createUsers(2);
    const id = await directConversation(owner!, blockee!);
    const first = await sendHttp(owner!, id, "مرحبا");
    const sb = await socket(blockee!);
    // Before the block: the blockee writes, reacts and reads (their own message is what they edit and
    // delete below, so the refusals are the block's, not "someone else's message").
    const own = await sb.request({ type: "send", conversationId: id, clientId: clientId(), text: "ردّي" });
    expect(own).toMatchObject({ type: "ack", duplicate: false });
    expect((await sb.request({ type: "react", conversationId: id, seq: first.seq, emoji: "👍" })).type).toBe(
      "ack",
    );
    expect((await sb.request({ type: "read", conversationId: id, seq: own.seq })).type).toBe("ack");
    const before = await log(owner!, id);
    await block(owner!, blockee!);
    for (const frame of frames(id, own.seq)) {
      const res = await sb.request(frame);
      expect(res, frame.type).toMatchObject({ type: "error", code: "NOT_FOUND" });
    }
    // The 1:1 is hidden from both sides while blocked: the log is re-read once the block is lifted.
    expect((await del(`/api/v1/users/${blockee!.id}/block`, undefined, { token: owner!.token })).status).toBe(
      204,
    );
    expect(await log(owner!, id)).toBe(before);
  });
});
