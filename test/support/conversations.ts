import { get, post } from "./http";
import type { TestUser } from "./users";

/** Conversation set-up over HTTP. Each helper throws when the API does not answer as expected. */
function expectStatus(what: string, res: { status: number; body: unknown }, ...ok: number[]): void {
  if (!ok.includes(res.status)) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The 1:1 between `a` and `b` (created by `a`, or the existing one). */
export async function directConversation(a: TestUser, b: TestUser): Promise<string> {
  const res = await post("/api/v1/conversations", { memberIds: [b.id] }, { token: a.token });
  expectStatus("direct conversation", res, 200, 201);
  return res.body.conversation.id;
}

/**
 * A group created by `admin` with `members`, all of them members afterwards: those who are not the
 * admin's connections were invited and accept here, before anything is sent.
 */
export async function groupConversation(
  admin: TestUser,
  members: TestUser[],
  name = "مجموعة",
): Promise<string> {
  const res = await post(
    "/api/v1/conversations",
    { memberIds: members.map((m) => m.id), name },
    { token: admin.token },
  );
  expectStatus("group conversation", res, 201);
  const id = res.body.conversation.id as string;
  for (const invited of res.body.invited as string[]) {
    const member = members.find((m) => m.id === invited)!;
    expectStatus("accept invitation", await acceptInvitation(member, id), 200);
  }
  return id;
}

export function acceptInvitation(user: TestUser, conversationId: string) {
  return post(`/api/v1/conversations/${conversationId}/invitation/accept`, undefined, { token: user.token });
}

let clientIds = 0;
export function clientId(): string {
  return `c${Date.now().toString(36)}${++clientIds}`;
}

/** Sends a text message over HTTP and answers the stored message. */
export async function sendHttp(user: TestUser, conversationId: string, text: string, extra: object = {}) {
  const res = await post(
    `/api/v1/conversations/${conversationId}/messages`,
    { clientId: clientId(), text, ...extra },
    { token: user.token },
  );
  expectStatus("send", res, 201);
  return res.body.message;
}

export async function history(user: TestUser, conversationId: string, query = "") {
  const res = await get(`/api/v1/conversations/${conversationId}/messages${query}`, { token: user.token });
  expectStatus("history", res, 200);
  return res.body as { data: any[]; hasMore: boolean; lastSeq: number };
}

export async function conversationOf(user: TestUser, conversationId: string) {
  const res = await get(`/api/v1/conversations/${conversationId}`, { token: user.token });
  expectStatus("get conversation", res, 200);
  return res.body.conversation;
}
