import { directConversation, groupConversation, sendHttp } from "../support/conversations";
import { call, get, post } from "../support/http";
import { png } from "../support/media";
import { event, listNotifications, runNotify } from "../support/notifications";
import { comment, createPost, readyMedia } from "../support/posts";
import { createUser, type TestUser } from "../support/users";

/**
 * Real objects for the routes that take an object in their path, shared by the fuzzer and the
 * authorization matrix. A `World` is one owner and the members around them, created lazily, with every
 * object memoized; `OBJECT_ROUTES` says, per path, how to fill its parameters.
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

  /** The member whose objects these are (the fuzzer signs in as them). */
  owner = () => this.once("owner", () => createUser());
  /** A member who has nothing to do with the owner. */
  stranger = () => this.once("stranger", () => createUser());
  /** A member the owner knows (shares a 1:1, a public post...) and blocks in the matrix. */
  blockee = () => this.once("blockee", () => createUser());
  /** Other members, for groups and requests. */
  peer = () => this.once("peer", () => createUser());
  third = () => this.once("third", () => createUser());

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
  comment = (visibility: "PUBLIC" | "PRIVATE") =>
    this.once(`comment:${visibility}`, async () => {
      const p = visibility === "PUBLIC" ? await this.publicPost() : await this.privatePost();
      return comment(await this.owner(), p.id, "تعليق للفحص");
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
  /** The owner's 1:1 with the blockee, with one message from the owner. */
  direct = () =>
    this.once("direct", async () => {
      const owner = await this.owner();
      const id = await directConversation(owner, await this.blockee());
      const message = await sendHttp(owner, id, "مرحبا");
      return { id, seq: message.seq as number };
    });
  media = () => this.once("media", async () => readyMedia(await this.owner()));
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
 * "private": an object only its owner (and the members it was shared with on purpose) may touch: what a
 * stranger and an anonymous caller try. "shared": one the blockee could reach if there were no block.
 */
export type Audience = "private" | "shared";
export type Params = Record<string, string>;

export interface ObjectRoute {
  params(w: World, audience: Audience): Promise<Params>;
  /** What a second member gets on the private object; "any member" routes say why. Default [404]. */
  stranger?: number[];
  /** What the blockee gets on the shared object once blocked. Default [404]; null: no owner to block. */
  blocked?: number[] | null;
  /** What an anonymous caller gets on a route whose document allows anonymous callers. Default [404]. */
  anonymous?: number[];
  /** Why a route lets any member (or anyone) through. */
  why?: string;
  /** Request headers the route needs beyond auth (e.g. the content type a signed upload URL is bound to). */
  headers?: Record<string, string>;
}

let tickets = 0;
const post_ = (w: World, a: Audience) => (a === "private" ? w.privatePost() : w.publicPost());
const postId = async (w: World, a: Audience) => ({ id: (await post_(w, a)).id as string });
const commentId = async (w: World, a: Audience) => ({
  id: (await w.comment(a === "private" ? "PRIVATE" : "PUBLIC")).id as string,
});
const conversation = async (w: World, a: Audience) => {
  const c = a === "private" ? await w.group() : await w.direct();
  return { id: c.id, seq: String(c.seq), userId: (a === "private" ? await w.peer() : await w.blockee()).id };
};
/**
 * A pending connection request. "recipient": the caller acts as its recipient (accept, ignore): from third
 * to the owner, or (shared) from the owner to the blockee. "sender": the caller sent it (withdraw): from the
 * owner to third, or (shared) from the blockee to the owner.
 */
const pending = (caller: "recipient" | "sender") => async (w: World, a: Audience) => {
  const [owner, other] = [await w.owner(), a === "shared" ? await w.blockee() : await w.third()];
  const toOwner = (caller === "recipient") === (a === "private");
  return { id: await (toOwner ? w.request(other, owner) : w.request(owner, other)) };
};
const ownerIs = (key: "id" | "userId" | "username") => async (w: World) => {
  const o = await w.owner();
  return { [key]: key === "username" ? o.username : o.id };
};

/**
 * Keyed by "METHOD /path" or by a path prefix (the longest match wins). A route with a path parameter and
 * no entry here fails the authorization test, which names the route: add it here.
 */
export const OBJECT_ROUTES: Record<string, ObjectRoute> = {
  "/api/v1/auth/sessions/{id}": { params: async (w) => ({ id: await w.session() }) },

  "POST /api/v1/connections/requests/{id}/accept": { params: pending("recipient") },
  "POST /api/v1/connections/requests/{id}/ignore": { params: pending("recipient") },
  "POST /api/v1/connections/requests/{id}/withdraw": { params: pending("sender") },
  "DELETE /api/v1/connections/requests/{id}": { params: pending("sender") },
  "/api/v1/connections/{userId}": {
    params: ownerIs("userId"),
    stranger: [204],
    blocked: [204],
    why: "removing a connection you do not have is an idempotent no-op about your own graph",
  },

  "POST /api/v1/users/{id}/block": {
    params: ownerIs("id"),
    stranger: [200, 201],
    blocked: [200, 201],
    why: "any member may block any other (also back), and the answer must not reveal an existing block",
  },
  "DELETE /api/v1/users/{id}/block": {
    params: ownerIs("id"),
    stranger: [204],
    blocked: [204],
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
    stranger: [403],
    why: "only connections may endorse: 403 NOT_CONNECTED (the profile itself is public)",
  },
  "DELETE /api/v1/profiles/{id}/skills/{skillId}/endorse": {
    params: async (w) => ({ id: (await w.owner()).id, skillId: await w.skill() }),
    stranger: [200],
    why: "withdrawing an endorsement you never gave is idempotent (the profile itself is public)",
  },

  "/api/v1/posts/{id}": { params: postId },
  "/api/v1/comments/{id}": { params: commentId },
  "/api/v1/bookmarks/{id}": {
    params: async (w, a) => ({ id: await w.bookmarkedPost(a === "private" ? "PRIVATE" : "PUBLIC") }),
  },
  "/api/v1/polls/{id}": {
    params: async (w, a) => ({ id: (await w.pollPost(a === "private" ? "PRIVATE" : "PUBLIC")).id as string }),
  },
  "/api/v1/hashtags/{tag}": {
    params: async (w) => ({ tag: await w.tag() }),
    stranger: [200, 201, 204],
    anonymous: [200],
    blocked: null,
    why: "hashtags belong to nobody: any member reads and follows them",
  },

  "/api/v1/conversations/{id}": { params: conversation },
  "PATCH /api/v1/conversations/{id}/messages/{seq}": {
    params: conversation,
    blocked: [403, 404],
    why: "the blockee is still a member of the 1:1 and sees its history: editing the owner's message is 403",
  },

  "/api/v1/media/uploads/{id}": {
    params: (w) => w.uploadTicket(`t${++tickets}`),
    stranger: [201],
    anonymous: [201],
    blocked: null,
    why: "the signed URL is the credential (single use, expiring); callers need no token",
    headers: { "content-type": "image/png" },
  },
  // Images and video are public once READY (they appear on posts and profiles), so the private object is
  // a document; the blockee is refused the owner's image.
  "GET /api/v1/media/{id}": {
    params: async (w, a) => ({ id: a === "private" ? await w.document() : await w.media() }),
  },
  "/api/v1/media/{id}": { params: async (w) => ({ id: await w.media() }) },

  "/api/v1/notifications/{id}": { params: async (w) => ({ id: await w.notification() }) },
  "/api/v1/search/saved/{id}": { params: async (w) => ({ id: await w.savedSearch() }) },
};

/**
 * Values for body and query properties that must name real things (the member's own password, a poll
 * option of the poll in the path...), so a valid request gets past "not found" to the rule under test.
 */
export async function hintsFor(w: World, member: TestUser, names: Set<string>, a: Audience = "private") {
  let clientSeq = 0;
  const vis = a === "private" ? "PRIVATE" : "PUBLIC";
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
    optionId: () => fixed(w.pollPost(vis).then((p) => p.poll.options[0].id)),
    parentId: () => fixed(w.comment(vis).then((c) => c.id)),
    mediaIds: () => fixed(w.media().then((id) => [id])),
    attachments: () => fixed(w.media().then((id) => [id])),
    seq: () => fixed((a === "private" ? w.group() : w.direct()).then((c) => c.seq)),
    replyTo: () => fixed((a === "private" ? w.group() : w.direct()).then((c) => c.seq)),
    __body: () => fixed(w.uploadBytes()),
  };
  for (const name of names) if (lazy[name]) hints[name] = await lazy[name]!();
  return hints;
}

export function objectRouteFor(method: string, path: string): ObjectRoute | undefined {
  const exact = OBJECT_ROUTES[`${method.toUpperCase()} ${path}`];
  if (exact) return exact;
  const prefix = Object.keys(OBJECT_ROUTES)
    .filter((k) => k.startsWith("/") && (path === k || path.startsWith(`${k}/`)))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? OBJECT_ROUTES[prefix] : undefined;
}
