import { env } from "cloudflare:test";
import { unsubscribeToken } from "../../src/modules/notifications/unsubscribe";
import { directConversation, groupConversation, sendHttp } from "../support/conversations";
import { connect } from "../support/graph";
import { call, freshIp, get, post, waitForEmail } from "../support/http";
import { png } from "../support/media";
import { browserSubscription, event, listNotifications, runNotify } from "../support/notifications";
import { comment, createPost, readyMedia } from "../support/posts";
import { createUser, type TestUser, uniqueName } from "../support/users";
import { volume } from "./volume";

/** A mailed code or token: the soak run keeps the email queue busy, so it may wait longer for one. */
const MAIL_WAIT = { timeoutMs: volume().fuzzRequests > 0 ? 60_000 : 10_000 };

/**
 * Real objects for the reliability harness, shared by the fuzzer and the authorization matrix. A `World`
 * is one owner and the members around them, created lazily, with every object memoized. `OBJECT_ROUTES`
 * says, per route with an object in its path, how to fill its parameters and who may touch the object;
 * `INPUT_ROUTES` does the same for routes that name an object in their body or query string.
 */
function must(what: string, res: { status: number; body: any }, ...ok: number[]) {
  if (!ok.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export class World {
  private readonly memo = new Map<string, Promise<unknown>>();

  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.memo.set(key, p);
    }
    return p;
  }

  /** The member whose objects these are (the fuzzer signs in as them unless a route names its `actor`). */
  owner = () => this.once("owner", () => createUser());
  /** A member who has nothing to do with the owner. */
  stranger = () => this.once("stranger", () => createUser());
  /** A member connected to the owner (request accepted): sees what the owner shares with connections. */
  connection = () =>
    this.once("connection", async () => {
      const c = await createUser();
      await connect(await this.owner(), c);
      return c;
    });
  /** A member the owner knows (shares a 1:1, a public post...) and blocks in the matrix. */
  blockee = () => this.once("blockee", () => createUser());
  /** Other members, for groups and requests. `peer` is a plain member of the owner's group. */
  peer = () => this.once("peer", () => createUser());
  third = () => this.once("third", () => createUser());
  /** The owner, signed in again as an admin (the role is in the access token). */
  ownerAsAdmin = () =>
    this.once("ownerAsAdmin", async () => {
      const owner = await this.owner();
      await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(owner.id).run();
      const res = must(
        "admin login",
        await post(
          "/api/v1/auth/login",
          { identifier: owner.username, password: owner.password },
          { ip: owner.ip },
        ),
        200,
      );
      return { ...owner, token: res.accessToken as string, refreshToken: res.refreshToken as string };
    });

  publicPost = () =>
    this.once("publicPost", async () =>
      createPost(await this.owner(), { content: "منشور عام #فحص_موثوقية", visibility: "PUBLIC" }),
    );
  privatePost = () =>
    this.once("privatePost", async () =>
      createPost(await this.owner(), { content: "منشور خاص #فحص_موثوقية", visibility: "PRIVATE" }),
    );
  pollPost = (visibility: "PUBLIC" | "PRIVATE") =>
    this.once(`poll:${visibility}`, async () =>
      createPost(await this.owner(), {
        content: "استطلاع",
        visibility,
        poll: { options: ["نعم", "لا", "ربما"], durationDays: 3 },
      }),
    );
  /** The poll's own id (not its post's): `/polls/{id}` takes this. */
  poll = async (visibility: "PUBLIC" | "PRIVATE") => {
    const p = await this.pollPost(visibility);
    return { id: p.poll.id as string, optionIds: (p.poll.options as { id: string }[]).map((o) => o.id) };
  };
  comment = (visibility: "PUBLIC" | "PRIVATE") =>
    this.once(`comment:${visibility}`, async () => {
      const p = visibility === "PUBLIC" ? await this.publicPost() : await this.privatePost();
      return comment(await this.owner(), p.id, "تعليق للفحص");
    });
  /** A public post of `third`, with a comment of the owner on it. */
  thirdPost = () =>
    this.once("thirdPost", async () => createPost(await this.third(), { content: "منشور الطرف الثالث" }));
  commentOnThirdPost = () =>
    this.once("commentOnThirdPost", async () =>
      comment(await this.owner(), (await this.thirdPost()).id, "تعليق المالك"),
    );
  /** The owner's plain repost of their own public post (the post's id is what DELETE .../repost takes). */
  repostedPost = () =>
    this.once("repostedPost", async () => {
      const p = await this.publicPost();
      must(
        "repost",
        await post(`/api/v1/posts/${p.id}/repost`, {}, { token: (await this.owner()).token }),
        201,
      );
      return p.id as string;
    });
  /** A bookmark of the owner's own post. */
  bookmarkedPost = (visibility: "PUBLIC" | "PRIVATE") =>
    this.once(`bookmark:${visibility}`, async () => {
      const p = visibility === "PUBLIC" ? await this.publicPost() : await this.privatePost();
      must(
        "bookmark",
        await post("/api/v1/bookmarks", { postId: p.id }, { token: (await this.owner()).token }),
        201,
      );
      return p.id;
    });
  /** A group the owner administers with peer and third, holding one message from the owner (seq 1). */
  group = () =>
    this.once("group", async () => {
      const owner = await this.owner();
      const id = await groupConversation(owner, [await this.peer(), await this.third()], "مجموعة الفحص");
      const message = await sendHttp(owner, id, "أول رسالة");
      return { id, seq: message.seq as number };
    });
  /** A group that `admin` (any member) administers with `third`: for routes about the caller's own group. */
  groupOf = (admin: TestUser) =>
    this.once(`groupOf:${admin.id}`, async () => {
      const other = admin.id === (await this.third()).id ? await this.peer() : await this.third();
      return groupConversation(admin, [other], "مجموعة المتصل");
    });
  /** The owner's 1:1 with the blockee, with one message from the owner. */
  direct = () =>
    this.once("direct", async () => {
      const owner = await this.owner();
      const id = await directConversation(owner, await this.blockee());
      const message = await sendHttp(owner, id, "مرحبا");
      return { id, seq: message.seq as number };
    });
  media = () => this.once("media", async () => readyMedia(await this.owner()));
  /** The owner's READY avatar: public by design, so any member not blocked may read it. */
  avatar = () => this.once("avatar", async () => readyMedia(await this.owner(), { kind: "AVATAR" }));
  /** A member who is no connection of the owner's: added to the owner's groups by invitation only. */
  invitee = () => this.once("invitee", () => createUser());
  /** A group of the owner's with a pending invitation for `invitee` (`key` separates uses that consume it). */
  invitedGroup = (invitee: TestUser, key: string) =>
    this.once(`invitedGroup:${key}:${invitee.id}`, async () => {
      const res = must(
        "group with an invitation",
        await post(
          "/api/v1/conversations",
          { memberIds: [(await this.peer()).id, invitee.id], name: "مجموعة الدعوة" },
          { token: (await this.owner()).token },
        ),
        201,
      );
      if (!(res.invited as string[]).includes(invitee.id))
        throw new Error("invitedGroup: the invitee was added, not invited");
      return res.conversation.id as string;
    });
  /** An unverified member of its own, with the code mailed to them. */
  unverified = () =>
    this.once("unverified", async () => {
      const user = await createUser({ verified: false });
      return { email: user.email, code: (await waitForEmail(user.email, "verify-email", MAIL_WAIT)).code! };
    });
  /** A READY document: private to its owner, unlike images and video. */
  document = () => this.once("document", async () => readyMedia(await this.owner(), { kind: "DOCUMENT" }));
  session = () =>
    this.once("session", async () => {
      const res = must(
        "sessions",
        await get("/api/v1/auth/sessions", { token: (await this.owner()).token }),
        200,
      );
      return res.data[0].id as string;
    });
  /** A pending connection request from `from` to `to`. */
  request = (from: TestUser, to: TestUser) =>
    this.once(`request:${from.id}:${to.id}`, async () => {
      const res = must(
        "connection request",
        await post("/api/v1/connections/requests", { userId: to.id, note: "لنتواصل" }, { token: from.token }),
        200,
        201,
      );
      return res.request.id as string;
    });
  /** A skill on the owner's profile. */
  skill = () =>
    this.once("skill", async () => {
      const owner = await this.owner();
      const res = must(
        "add skill",
        await call("PATCH", "/api/v1/profiles/me", {
          token: owner.token,
          body: { skills: ["TypeScript", "القيادة"] },
        }),
        200,
      );
      return res.skills[0].id as string;
    });
  tag = () =>
    this.once("tag", async () => {
      const p = await this.publicPost();
      return (p.hashtags?.[0] as string | undefined) ?? "فحص_موثوقية";
    });
  /** The bytes every upload ticket is for: a small real PNG. */
  uploadBytes = () => this.once("uploadBytes", () => png(4, 4));
  /** A signed upload ticket of the owner (`key` names it; each key is a new single-use ticket). */
  uploadTicket = (key: string) =>
    this.once(`upload:${key}`, async () => {
      const owner = await this.owner();
      const bytes = await this.uploadBytes();
      const res = must(
        "upload ticket",
        await post(
          "/api/v1/media/uploads",
          { kind: "POST_IMAGE", size: bytes.length, contentType: "image/png" },
          { token: owner.token },
        ),
        201,
      );
      const url = new URL(res.uploadUrl, "http://majlis.test");
      return {
        id: res.id as string,
        expires: url.searchParams.get("expires")!,
        sig: url.searchParams.get("sig")!,
      };
    });

  /** A notification of the owner (someone followed them), delivered by running the notify consumer. */
  notification = () =>
    this.once("notification", async () => {
      const owner = await this.owner();
      await runNotify([event({ type: "follow", actorId: (await this.peer()).id, recipientId: owner.id })]);
      const [first] = await listNotifications(owner);
      if (!first) throw new Error("no notification after a follow event");
      return first.id;
    });
  /** A saved search of the owner. */
  savedSearch = () =>
    this.once("savedSearch", async () => {
      const owner = await this.owner();
      const res = must(
        "save search",
        await post("/api/v1/search/saved", { q: "مجلس", type: "posts" }, { token: owner.token }),
        201,
      );
      return res.id as string;
    });
  /** A Web Push subscription the owner registered (a browser's real key pair). */
  pushSubscription = () =>
    this.once("push", async () => {
      const sub = await browserSubscription();
      const body = { endpoint: sub.endpoint, keys: sub.keys };
      must(
        "push register",
        await post("/api/v1/push/register", body, { token: (await this.owner()).token }),
        201,
      );
      return body;
    });
  /** A password-reset token mailed to the owner (through the real email queue and outbox). */
  resetToken = () =>
    this.once("resetToken", async () => {
      const owner = await this.owner();
      must(
        "forgot password",
        await post("/api/v1/auth/forgot-password", { email: owner.email }, { ip: freshIp() }),
        202,
      );
      return (await waitForEmail(owner.email, "reset-password", MAIL_WAIT)).token!;
    });

  /**
   * The owner's privacy: "private" hides their network lists and takes messages from connections only
   * (what a stranger and a connection are tried against); "public" is the default (what the blockee is
   * tried against, so that the block is the only thing in the way).
   */
  privacy = async (mode: "private" | "public") => {
    const owner = await this.owner();
    const privacy =
      mode === "private"
        ? {
            visibility: "CONNECTIONS",
            showConnections: false,
            allowMessages: "CONNECTIONS",
            showEmail: false,
          }
        : { visibility: "PUBLIC", showConnections: true, allowMessages: "EVERYONE", showEmail: false };
    must(
      "privacy",
      await call("PATCH", "/api/v1/profiles/me", { token: owner.token, body: { privacy } }),
      200,
    );
  };

  /** The owner blocks the blockee. */
  block = () =>
    this.once("block", async () => {
      const owner = await this.owner();
      must(
        "block",
        await post(`/api/v1/users/${(await this.blockee()).id}/block`, {}, { token: owner.token }),
        200,
        201,
      );
    });
}

/**
 * "private": an object only its owner (and the members it was shared with on purpose) may touch: what an
 * anonymous caller, a stranger, a connection and a group member try. "shared": one the blockee could reach
 * if there were no block (the matrix asserts that it can, on a twin world without the block). "own": what
 * the route's actor uses on the positive control (by default the private object).
 */
export type Audience = "private" | "shared" | "own";
export type Params = Record<string, string>;

/** Who may do what to the owner's object; statuses per caller. Defaults in the comments. */
export interface Access {
  /** The member who legitimately uses the route on the owner's object (default: the owner). */
  actor?: (w: World) => Promise<TestUser>;
  /** What the actor gets (the positive control that proves the fixture is real). Default: any 2xx. */
  owner?: number[];
  /** What an anonymous caller gets where the document allows anonymous callers (default 404); else 401. */
  anonymous?: number[];
  /** What a member unrelated to the owner gets on the private object. Default [404]. */
  stranger?: number[];
  /** What a connection of the owner gets on the private object. Default: as `stranger`. */
  connection?: number[];
  /** What a plain (non-admin) member of the owner's group gets; tried only where given. */
  member?: number[];
  /** What the blockee gets on the shared object once blocked. Default [404]; null: no owner to block. */
  blocked?: number[] | null;
  /** What the blockee gets on the same kind of object without a block (a twin world). Default: any 2xx. */
  blockedBefore?: number[];
  /**
   * The route answers a non-owner with a 2xx that must change nothing of the owner's (an idempotent
   * "remove mine" that finds nothing to remove): the matrix re-reads the owner's state after those too.
   */
  noop?: boolean;
  /** Callers whose 2xx on a `noop` route is a real change of their own (e.g. a connection disconnecting). */
  changes?: string[];
  /** Why a route lets any member (or anyone) through. */
  why?: string;
  /** Request headers the route needs beyond auth (e.g. the content type a signed upload URL is bound to). */
  headers?: Record<string, string>;
}

export interface ObjectRoute extends Access {
  /** Path parameters (and fixed query parameters) naming the owner's object. */
  params(w: World, audience: Audience, caller?: TestUser): Promise<Params>;
}

export interface Inputs {
  path?: Params;
  query?: Params;
  body?: Record<string, unknown>;
}

export interface InputRoute extends Access {
  /** The body properties / query parameters naming the owner's object (plus the path the caller uses). */
  inputs(w: World, audience: Audience, caller: TestUser): Promise<Inputs>;
}

let tickets = 0;
const post_ = (w: World, a: Audience) => (a === "shared" ? w.publicPost() : w.privatePost());
const postId = async (w: World, a: Audience) => ({ id: (await post_(w, a)).id as string });
const commentId = async (w: World, a: Audience) => ({
  id: (await w.comment(a === "shared" ? "PUBLIC" : "PRIVATE")).id as string,
});
const conversation = async (w: World, a: Audience) => {
  const c = a === "shared" ? await w.direct() : await w.group();
  return { id: c.id, seq: String(c.seq), userId: (a === "shared" ? await w.blockee() : await w.peer()).id };
};
/** Accepting or declining an invitation to the owner's group: the invitee's own (the blockee's, shared). */
const invitationAnswer = (key: string): ObjectRoute => ({
  params: async (w, a) => ({
    id: await w.invitedGroup(a === "shared" ? await w.blockee() : await w.invitee(), key),
  }),
  actor: (w) => w.invitee(),
  why: "only the invited member answers an invitation; a block either way voids it",
});
/**
 * A pending connection request. "recipient": the caller acts as its recipient (accept, ignore): from third
 * to the owner, or (shared) from the owner to the blockee. "sender": the caller sent it (withdraw): from the
 * owner to third, or (shared) from the blockee to the owner.
 */
const pending = (caller: "recipient" | "sender") => async (w: World, a: Audience) => {
  const [owner, other] = [await w.owner(), a === "shared" ? await w.blockee() : await w.third()];
  const toOwner = (caller === "recipient") === (a !== "shared");
  return { id: await (toOwner ? w.request(other, owner) : w.request(owner, other)) };
};
const ownerIs = (key: "id" | "userId" | "username") => async (w: World) => {
  const o = await w.owner();
  return { [key]: key === "username" ? o.username : o.id };
};

/** A conversation route a plain group member may use on the group (their own reading, writing, settings). */
const memberMay = (statuses: number[]) => ({ member: statuses });

/** An admin of the moderation routes (not the owner: the matrix's other rows keep a plain owner). */
const staffAdmin = (w: World) =>
  w.once("staffAdmin", async () => {
    const admin = await createUser();
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(admin.id).run();
    return admin;
  });
/** A fresh open report case about a post of a new member, reported by another (each resolution closes one). */
const freshCase = async (_w: World) => {
  const [author, reporter] = [await createUser(), await createUser()];
  const p = await createPost(author, { content: "منشور للإبلاغ" });
  const res = must(
    "report",
    await post("/api/v1/reports", { type: "post", id: p.id, category: "SPAM" }, { token: reporter.token }),
    201,
  );
  const row = await env.DB.prepare("SELECT case_id AS caseId FROM reports WHERE id = ?")
    .bind(res.id)
    .first<{ caseId: string }>();
  return row!.caseId;
};
/** Staff routes: only their staff roles get in; every member, whatever their relation to anyone, gets 403. */
const staffOnly = (params: ObjectRoute["params"]): ObjectRoute => ({
  params,
  actor: staffAdmin,
  anonymous: [401],
  stranger: [403],
  blocked: null,
  why: "a staff route: the role read from D1 decides, members get 403 (test/moderation/admin.test.ts covers each role)",
});
let moderationActionSeq = 0;

/**
 * Keyed by "METHOD /path" or by a path prefix (the longest match wins). A route with a path parameter and
 * no entry here fails the authorization test, which names the route: add it here.
 */
export const OBJECT_ROUTES: Record<string, ObjectRoute> = {
  "/api/v1/auth/sessions/{id}": {
    params: async (w) => ({ id: await w.session() }),
    blockedBefore: [404],
    why: "a session is its member's alone: anyone else gets 404, blocked or not",
  },

  "POST /api/v1/admin/reports/{id}/assign": staffOnly(async (w) => ({ id: await freshCase(w) })),
  "POST /api/v1/admin/reports/{id}/resolve": staffOnly(async (w) => ({ id: await freshCase(w) })),
  "POST /api/v1/admin/actions/{id}/revoke": staffOnly(async (w) => {
    const admin = await staffAdmin(w);
    const res = must(
      "resolve",
      await post(
        `/api/v1/admin/reports/${await freshCase(w)}/resolve`,
        { resolution: "ACTIONED", action: { kind: "MUTE", days: 1 + (++moderationActionSeq % 5) } },
        { token: admin.token },
      ),
      200,
    );
    return { id: res.actionId as string };
  }),
  "POST /api/v1/admin/users/{id}/roles": staffOnly(async (w) => ({ id: (await w.peer()).id })),
  "DELETE /api/v1/admin/users/{id}/roles": staffOnly(async () => {
    const member = await createUser();
    await env.DB.prepare("UPDATE users SET role = 'support' WHERE id = ?").bind(member.id).run();
    return { id: member.id };
  }),

  "POST /api/v1/connections/requests/{id}/accept": { params: pending("recipient") },
  "POST /api/v1/connections/requests/{id}/ignore": { params: pending("recipient") },
  "POST /api/v1/connections/requests/{id}/withdraw": { params: pending("sender") },
  "DELETE /api/v1/connections/requests/{id}": { params: pending("sender") },
  "/api/v1/connections/{userId}": {
    params: ownerIs("userId"),
    actor: (w) => w.connection(),
    stranger: [204],
    connection: [204],
    blocked: [204],
    blockedBefore: [204],
    noop: true,
    changes: ["connection"],
    why: "removing a connection you do not have is an idempotent no-op about your own graph",
  },

  "POST /api/v1/users/{id}/block": {
    params: ownerIs("id"),
    actor: (w) => w.stranger(),
    stranger: [200, 201],
    connection: [200, 201],
    blocked: [200, 201],
    why: "any member may block any other (also back), and the answer must not reveal an existing block",
  },
  "DELETE /api/v1/users/{id}/block": {
    params: ownerIs("id"),
    actor: (w) => w.stranger(),
    stranger: [204],
    blocked: [204],
    blockedBefore: [204],
    noop: true,
    why: "unblocking is an idempotent change to your own block list",
  },

  "/api/v1/profiles/{username}": {
    params: ownerIs("username"),
    stranger: [200],
    anonymous: [200],
    why: "profiles are public; privacy settings shape what the body holds",
  },
  "POST /api/v1/profiles/{id}/skills/{skillId}/endorse": {
    params: async (w) => ({ id: (await w.owner()).id, skillId: await w.skill() }),
    actor: (w) => w.connection(),
    stranger: [403],
    connection: [201],
    blockedBefore: [403],
    why: "only connections may endorse: 403 NOT_CONNECTED (the profile itself is public)",
  },
  "DELETE /api/v1/profiles/{id}/skills/{skillId}/endorse": {
    params: async (w) => ({ id: (await w.owner()).id, skillId: await w.skill() }),
    actor: (w) => w.connection(),
    stranger: [200],
    connection: [200],
    blocked: [200, 404],
    blockedBefore: [200],
    noop: true,
    why: "withdrawing an endorsement you never gave is idempotent (the profile itself is public)",
  },

  "/api/v1/posts/{id}": { params: postId },
  "PATCH /api/v1/posts/{id}": {
    params: postId,
    blockedBefore: [403],
    why: "only the author edits or deletes a post: a member who can read it gets 403, one who cannot 404",
  },
  "DELETE /api/v1/posts/{id}": { params: postId, blockedBefore: [403] },
  "DELETE /api/v1/posts/{id}/repost": {
    params: async (w, a) => ({ id: a === "own" ? await w.repostedPost() : (await post_(w, a)).id }),
    blockedBefore: [404],
    why: "the caller's own repost of the post: without one, 404 (also before the block)",
  },
  "/api/v1/comments/{id}": { params: commentId },
  "PATCH /api/v1/comments/{id}": {
    params: commentId,
    blockedBefore: [403],
    why: "only the author edits or deletes a comment: a member who can read it gets 403, one who cannot 404",
  },
  "DELETE /api/v1/comments/{id}": { params: commentId, blockedBefore: [403] },
  "/api/v1/bookmarks/{id}": {
    params: async (w, a) => ({ id: await w.bookmarkedPost(a === "shared" ? "PUBLIC" : "PRIVATE") }),
    blockedBefore: [404],
    why: "the id is the caller's own bookmark (or the saved post): another member has none of the owner's",
  },
  "/api/v1/polls/{id}": {
    params: async (w, a) => ({ id: (await w.poll(a === "shared" ? "PUBLIC" : "PRIVATE")).id }),
  },
  "GET /api/v1/polls/{id}/results": {
    params: async (w, a) => ({ id: (await w.poll(a === "shared" ? "PUBLIC" : "PRIVATE")).id }),
    blockedBefore: [403],
    why: "results show after you voted or the poll closed (else 403 POLL_RESULTS_HIDDEN); a hidden poll is 404",
  },
  "/api/v1/hashtags/{tag}": {
    params: async (w) => ({ tag: await w.tag() }),
    stranger: [200, 201, 204],
    anonymous: [200],
    blocked: null,
    why: "hashtags belong to nobody: any member reads and follows them",
  },

  "/api/v1/conversations/{id}": { params: conversation, ...memberMay([200]) },
  "PATCH /api/v1/conversations/{id}": {
    params: conversation,
    member: [403],
    blockedBefore: [409],
    why: "group-only routes (name, members, roles, leave) answer a 1:1 with 409 NOT_A_GROUP before the block and 404 after it",
  },
  "PATCH /api/v1/conversations/{id}/settings": { params: conversation, ...memberMay([200]) },
  "POST /api/v1/conversations/{id}/members": { params: conversation, member: [403], blockedBefore: [409] },
  "DELETE /api/v1/conversations/{id}/members/{userId}": {
    params: async (w, a) => ({
      ...(await conversation(w, a)),
      userId: (a === "shared" ? await w.owner() : await w.third()).id,
    }),
    member: [403],
    blockedBefore: [409],
    why: "removing another member is for group admins",
  },
  "PATCH /api/v1/conversations/{id}/members/{userId}": {
    params: async (w, a) => ({
      ...(await conversation(w, a)),
      userId: (a === "shared" ? await w.owner() : await w.third()).id,
    }),
    member: [403],
    blockedBefore: [409],
    why: "roles are for group admins to change",
  },
  "POST /api/v1/conversations/{id}/leave": {
    params: conversation,
    ...memberMay([204]),
    blockedBefore: [409],
  },
  "/api/v1/conversations/{id}/messages": { params: conversation, ...memberMay([200, 201]) },
  "POST /api/v1/conversations/{id}/invitation/accept": invitationAnswer("accept"),
  "POST /api/v1/conversations/{id}/invitation/decline": invitationAnswer("decline"),
  "/api/v1/conversations/{id}/read": { params: conversation, ...memberMay([200]) },
  "PATCH /api/v1/conversations/{id}/messages/{seq}": {
    params: conversation,
    member: [403],
    blocked: [403, 404],
    blockedBefore: [403],
    why: "only the sender edits a message: another member (also the blockee in the 1:1, before and after the block) gets 403",
  },
  "DELETE /api/v1/conversations/{id}/messages/{seq}": {
    params: conversation,
    ...memberMay([204]),
    why: "a member may delete a message for themselves (scope=me, the default); for everyone only the sender or an admin",
  },
  "/api/v1/conversations/{id}/messages/{seq}/reaction": { params: conversation, ...memberMay([200]) },

  "/api/v1/media/uploads/{id}": {
    params: (w) => w.uploadTicket(`t${++tickets}`),
    stranger: [201],
    anonymous: [201],
    blocked: null,
    why: "the signed URL is the credential (single use, expiring); callers need no token",
    headers: { "content-type": "image/png" },
  },
  // Media follow what they are attached to: the private object is a document (its owner's alone), the
  // shared one an avatar (public by design), which the blockee is refused once blocked.
  "GET /api/v1/media/{id}": {
    params: async (w, a) => ({ id: a === "shared" ? await w.avatar() : await w.document() }),
  },
  "/api/v1/media/{id}": { params: async (w) => ({ id: await w.media() }), blockedBefore: [404] },

  "/api/v1/notifications/{id}": {
    params: async (w) => ({ id: await w.notification() }),
    blockedBefore: [404],
  },
  "/api/v1/search/saved/{id}": {
    params: async (w) => ({ id: await w.savedSearch() }),
    blockedBefore: [404],
  },
};

/**
 * Routes that name the owner's object in their body or query string. Keyed by "METHOD /path" exactly;
 * `inputs` gives the object-naming values (the matrix fills the rest of a valid body), and the path of the
 * caller's own object where the route has one. A body or query property that looks like an id
 * (ID_FIELD) on a route with no entry here and no entry in INPUT_EXEMPT fails the matrix.
 */
const target = async (w: World, a: Audience) => {
  await w.privacy(a === "private" ? "private" : "public");
  return (await w.owner()).id;
};
export const INPUT_ROUTES: Record<string, InputRoute> = {
  "POST /api/v1/follow": {
    inputs: async (w, a) => ({ body: { userId: await target(w, a) } }),
    actor: (w) => w.stranger(),
    stranger: [201],
    connection: [409],
    why: "anyone may follow a member whose profile they can see (connections already follow: 409)",
  },
  "DELETE /api/v1/follow": {
    inputs: async (w, a) => ({ body: { userId: await target(w, a) } }),
    actor: (w) => w.connection(),
    stranger: [204],
    connection: [204],
    blocked: [204],
    blockedBefore: [204],
    noop: true,
    changes: ["connection"],
    why: "unfollowing someone you do not follow is an idempotent no-op on your own graph",
  },
  "GET /api/v1/follow/followers": {
    inputs: async (w, a) => ({ query: { userId: await target(w, a) } }),
    stranger: [403],
    connection: [403],
    why: "a member's lists: 403 when their privacy hides them (showConnections off), 404 once blocked",
  },
  "GET /api/v1/follow/following": {
    inputs: async (w, a) => ({ query: { userId: await target(w, a) } }),
    stranger: [403],
    connection: [403],
  },
  "GET /api/v1/connections": {
    inputs: async (w, a) => ({ query: { userId: await target(w, a) } }),
    stranger: [403],
    connection: [403],
  },
  "POST /api/v1/connections/requests": {
    inputs: async (w, a) => ({ body: { userId: await target(w, a) } }),
    actor: (w) => w.stranger(),
    stranger: [201],
    connection: [409],
    why: "anyone may ask a member they can see to connect (a connection already is: 409)",
  },
  "POST /api/v1/posts": {
    inputs: async (w, a) => ({
      body: { mediaIds: [a === "private" ? await w.document() : await w.media()] },
    }),
    stranger: [400, 403, 404],
    blocked: [400, 403, 404],
    blockedBefore: [400, 403, 404],
    why: "a post carries only the author's own media",
  },
  "POST /api/v1/posts/{id}/comments": {
    inputs: async (w, a, caller) => {
      // A reply on a third member's public post: to the owner's comment there ("shared", "own"), or to
      // the owner's comment on their private post ("private": another post, and hidden).
      const p = await w.thirdPost();
      const parent = a === "private" ? await w.comment("PRIVATE") : await w.commentOnThirdPost();
      return { path: { id: p.id }, body: { content: `رد ${caller.username}`, parentId: parent.id } };
    },
    connection: [404],
    why: "the parent must be a comment the caller can see on the post in the path",
  },
  "POST /api/v1/bookmarks": {
    inputs: async (w, a) => ({ body: { postId: (await post_(w, a)).id } }),
  },
  "POST /api/v1/polls/{id}/vote": {
    inputs: async (w, a) => {
      const open = await w.poll("PUBLIC");
      if (a === "private")
        return { path: { id: open.id }, body: { optionId: (await w.poll("PRIVATE")).optionIds[0] } };
      return { path: { id: open.id }, body: { optionId: open.optionIds[0] } };
    },
    stranger: [400, 404],
    why: "private: an option of the owner's private poll, sent to their public poll: never counted",
  },
  "POST /api/v1/conversations": {
    inputs: async (w, a) => ({ body: { memberIds: [await target(w, a)] } }),
    actor: (w) => w.connection(),
    stranger: [403],
    connection: [200, 201],
    why: "the owner takes messages from connections only (private): a stranger gets 403 MESSAGES_NOT_ALLOWED",
  },
  "PATCH /api/v1/conversations/{id}": {
    inputs: async (w, a, caller) => ({
      path: { id: await w.groupOf(caller) },
      body: { avatarMediaId: a === "private" ? await w.document() : await w.media() },
    }),
    actor: (w) => w.owner(),
    stranger: [400, 403, 404],
    blocked: [400, 403, 404],
    blockedBefore: [400, 403, 404],
    why: "a group's avatar must be the caller's own media",
  },
  "POST /api/v1/conversations/{id}/members": {
    inputs: async (w, a, caller) => ({
      path: { id: await w.groupOf(caller) },
      body: { userIds: [await target(w, a)] },
    }),
    actor: (w) => w.connection(),
    stranger: [403],
    connection: [200],
    why: "adding the owner to your group is messaging them: connections only (private)",
  },
  "POST /api/v1/conversations/{id}/messages": {
    inputs: async (w, a, caller) => ({
      path: { id: await w.groupOf(caller) },
      body: {
        clientId: uniqueName("c"),
        attachments: [a === "private" ? await w.document() : await w.media()],
      },
    }),
    actor: (w) => w.owner(),
    stranger: [400, 403, 404],
    blocked: [400, 403, 404],
    blockedBefore: [400, 403, 404],
    why: "attachments must be the sender's own READY media (400 INVALID_MEDIA)",
  },
  "DELETE /api/v1/push/unregister": {
    inputs: async (w) => ({ body: { endpoint: (await w.pushSubscription()).endpoint } }),
    stranger: [204],
    connection: [204],
    blocked: [204],
    blockedBefore: [204],
    noop: true,
    why: "idempotent, and only ever about the caller's own subscriptions: another member's endpoint stays",
  },
  "PUT /api/v1/media/uploads/{id}": {
    inputs: async (w) => {
      const ticket = await w.uploadTicket(`t${++tickets}`);
      const other = await w.uploadTicket(`t${++tickets}`);
      return {
        path: { id: ticket.id },
        query: { expires: other.expires, sig: other.sig },
      };
    },
    anonymous: [403],
    stranger: [403],
    blocked: null,
    owner: [403],
    headers: { "content-type": "image/png" },
    why: "the signature of one ticket opens no other (the actor row proves a wrong signature fails for the owner too)",
  },
};

/** Body/query properties that name an object but are not about someone else's, and why. */
export const INPUT_EXEMPT: Record<string, string> = {
  clientId:
    "the sender's own idempotency key: reusing another member's only ever finds the caller's own messages",
  jobId: "jobs do not exist yet: always 404",
  articleId: "articles do not exist yet: always 404",
  "GET /api/v1/posts/{id}/comments parentId":
    "must be a comment of the post in the path, whose access the path row checks",
  "GET /api/v1/dev/outbox to":
    "development-only mail catcher, refused outside development (403 DEV_ONLY, test/dev)",
  "POST /api/v1/conversations/{id}/messages replyTo":
    "a seq of the conversation in the path, whose access the path row checks",
  "POST /api/v1/admin/reports/{id}/assign assigneeId":
    "a staff member to assign; the route admits moderators and admins only (test/moderation/admin.test.ts)",
  "GET /api/v1/admin/audit actorId": "a filter of the admin-only audit log, which names no member's object",
  "GET /api/v1/admin/audit targetId": "a filter of the admin-only audit log, which names no member's object",
  "GET /api/v1/admin/audit.csv actorId":
    "a filter of the admin-only audit log, which names no member's object",
  "GET /api/v1/admin/audit.csv targetId":
    "a filter of the admin-only audit log, which names no member's object",
  "POST /api/v1/push/register endpoint":
    "a push service's capability URL that only its browser knows; registering it again under another account is how a shared browser switches accounts",
};

/** A body or query property whose value names an object. */
export const ID_FIELD = /(Id|Ids)$|^(to|attachments|replyTo|endpoint|userId)$/;

/**
 * Values for body and query properties that must name real things (the member's own password, a poll
 * option of the poll in the path...), so a valid request gets past "not found" to the rule under test.
 */
export async function hintsFor(w: World, member: TestUser, names: Set<string>, a: Audience = "private") {
  let clientSeq = 0;
  const vis = a === "shared" ? "PUBLIC" : "PRIVATE";
  const hints: Record<string, () => unknown> = {
    email: () => member.email,
    identifier: () => member.username,
    password: () => member.password,
    currentPassword: () => member.password,
    newPassword: () => "another-long-unusual-passphrase",
    refreshToken: () => member.refreshToken,
    access_token: () => member.token,
    to: () => member.email,
    clientId: () => `fz-${Date.now().toString(36)}-${++clientSeq}`,
  };
  const fixed = async <T>(value: Promise<T>) => {
    const v = await value;
    return () => structuredClone(v);
  };
  const lazy: Record<string, () => Promise<() => unknown>> = {
    userId: () => fixed(w.peer().then((u) => u.id)),
    memberIds: () => fixed(w.peer().then((u) => [u.id])),
    userIds: () => fixed(w.stranger().then((u) => [u.id])),
    postId: () => fixed(w.publicPost().then((p) => p.id)),
    optionId: () => fixed(w.poll(vis).then((p) => p.optionIds[0])),
    parentId: () => fixed(w.comment(vis).then((c) => c.id)),
    mediaIds: () => fixed(w.media().then((id) => [id])),
    attachments: () => fixed(w.media().then((id) => [id])),
    avatarMediaId: () => fixed(w.media()),
    seq: () => fixed((a === "shared" ? w.direct() : w.group()).then((c) => c.seq)),
    replyTo: () => fixed((a === "shared" ? w.direct() : w.group()).then((c) => c.seq)),
    __body: () => fixed(w.uploadBytes()),
  };
  for (const name of names) if (lazy[name]) hints[name] = await lazy[name]!();
  return hints;
}

/**
 * Per operation, values that only that operation needs to succeed (the fuzzer's success oracle needs a
 * 2xx on every operation): a fresh identity to register, a mailed reset token, a real push
 * subscription, a real image to upload, the owner's unsubscribe token.
 */
export const OPERATION_HINTS: Record<
  string,
  (w: World, member: TestUser) => Promise<Record<string, () => unknown>>
> = {
  "POST /api/v1/auth/register": async () => {
    const fresh = () => uniqueName("fz");
    return { username: fresh, email: () => `${fresh()}@example.com` };
  },
  "POST /api/v1/auth/verify-email": async (w) => {
    const { email, code } = await w.unverified();
    return { email: () => email, code: () => code };
  },
  "POST /api/v1/auth/reset-password": async (w) => {
    const token = await w.resetToken();
    return { token: () => token };
  },
  "POST /api/v1/push/register": async () => {
    const sub = await browserSubscription();
    return { endpoint: () => sub.endpoint, keys: () => ({ ...sub.keys }) };
  },
  "POST /api/v1/media/upload": async (w) => {
    const bytes = await w.uploadBytes();
    return { kind: () => "POST_IMAGE", file: () => bytes.slice() };
  },
  "GET /api/v1/notifications/unsubscribe": async (_w, member) => {
    const token = await unsubscribeToken(env, member.id, "follow");
    return { token: () => token };
  },
  "POST /api/v1/notifications/unsubscribe": async (_w, member) => {
    const token = await unsubscribeToken(env, member.id, "comment");
    return { token: () => token };
  },
  "POST /api/v1/admin/search/rebuild": async () => ({ type: () => "people", engine: () => "d1" }),
  "POST /api/v1/reports": async () => {
    // A member nobody has reported: the first valid case files the report, later ones are 409 (one open report).
    const target = await createUser();
    return { type: () => "user", id: () => target.id };
  },
  "POST /api/v1/admin/users/{id}/roles": async () => ({ role: () => "support" }),
  "POST /api/v1/admin/reports/{id}/resolve": async () => ({ resolution: () => "DISMISSED" }),
};

/** Operations the fuzzer signs in to as someone else than the owner. */
export const OPERATION_ACTORS: Record<string, (w: World) => Promise<TestUser>> = {
  "POST /api/v1/admin/search/rebuild": (w) => w.ownerAsAdmin(),
  "GET /api/v1/admin/reports": staffAdmin,
  "GET /api/v1/admin/audit": staffAdmin,
  "GET /api/v1/admin/audit.csv": staffAdmin,
};

/** Extra request headers an operation needs for its valid cases (the document says so in its summary). */
export const OPERATION_HEADERS: Record<string, Record<string, string>> = {
  "GET /api/v1/realtime": { upgrade: "websocket" },
};

export function objectRouteFor(method: string, path: string): ObjectRoute | undefined {
  const exact = OBJECT_ROUTES[`${method.toUpperCase()} ${path}`];
  if (exact) return exact;
  const prefix = Object.keys(OBJECT_ROUTES)
    .filter((k) => k.startsWith("/") && (path === k || path.startsWith(`${k}/`)))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? OBJECT_ROUTES[prefix] : undefined;
}
