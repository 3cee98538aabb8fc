import { env } from "cloudflare:test";
import { del, get, post } from "./http";
import type { TestUser } from "./users";

/**
 * Content set-up over HTTP for tests that need posts, comments or reactions. Each helper throws when the
 * API does not answer as expected, so a broken set-up fails loudly.
 */
function expectStatus(what: string, res: { status: number; body: unknown }, ...ok: number[]): void {
  if (!ok.includes(res.status)) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export type Visibility = "PUBLIC" | "CONNECTIONS" | "PRIVATE";

export async function createPost(
  author: TestUser,
  body: {
    content?: string;
    visibility?: Visibility;
    mediaIds?: string[];
    poll?: unknown;
    textDirection?: string;
  } = {},
) {
  const res = await post(
    "/api/v1/posts",
    { content: body.content ?? `post by ${author.username}`, ...body },
    { token: author.token },
  );
  expectStatus("create post", res, 201);
  return res.body as { id: string; [key: string]: any };
}

export async function comment(user: TestUser, postId: string, content = "تعليق", parentId?: string) {
  const res = await post(
    `/api/v1/posts/${postId}/comments`,
    { content, ...(parentId ? { parentId } : {}) },
    { token: user.token },
  );
  expectStatus("comment", res, 201);
  return res.body as { id: string; [key: string]: any };
}

export async function react(user: TestUser, postId: string, type = "LIKE") {
  const res = await post(`/api/v1/posts/${postId}/react`, { type }, { token: user.token });
  expectStatus("react", res, 200);
  return res.body;
}

export async function repost(user: TestUser, postId: string, comment?: string) {
  const res = await post(`/api/v1/posts/${postId}/repost`, comment ? { comment } : {}, { token: user.token });
  expectStatus("repost", res, 201);
  return res.body as { repostId: string; repostPostId: string; originalPostId: string; post: any };
}

export async function deletePost(user: TestUser, postId: string) {
  const res = await del(`/api/v1/posts/${postId}`, undefined, { token: user.token });
  expectStatus("delete post", res, 204);
}

export async function feed(user: TestUser, type: "following" | "for-you" = "following", query = "") {
  const res = await get(`/api/v1/feed?type=${type}${query}`, { token: user.token });
  expectStatus("feed", res, 200);
  return res.body as { data: any[]; nextCursor: string | null };
}

/** A READY media row owned by `owner`, written directly (the media module's upload flow is tested there). */
export async function readyMedia(
  owner: TestUser,
  opts: { status?: string; kind?: string } = {},
): Promise<string> {
  const id = `M${crypto.randomUUID().replace(/-/g, "").slice(0, 25).toUpperCase()}`;
  const now = Date.now();
  await env.DB.prepare(
    "INSERT INTO media (id, owner_id, kind, status, mime_type, size, alt_text, width, height, created_at, updated_at) VALUES (?, ?, ?, ?, 'image/webp', 1000, 'alt', 1200, 800, ?, ?)",
  )
    .bind(id, owner.id, opts.kind ?? "POST_IMAGE", opts.status ?? "READY", now, now)
    .run();
  return id;
}

/** Runs every query of `sql` and returns the first column of the first row. */
export async function scalar<T = number>(query: string, ...params: unknown[]): Promise<T> {
  const row = await env.DB.prepare(query)
    .bind(...params)
    .first();
  return (row ? Object.values(row)[0] : null) as T;
}
