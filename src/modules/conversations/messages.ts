import type { Deps } from "../../core/deps";
import type { Actor } from "../../core/identity/actor";
import { assertMayPost } from "../../core/identity/verified";
import { enforceRateLimitFor } from "../../platform/rate-limit";
import { roomOf, unwrap } from "./room";
import type { HistoryQuery, SendInput } from "./schemas";

/**
 * Message actions, shared by the HTTP routes and the WebSocket hub: the same checks and limits apply
 * whichever way a client talks. The conversation's chat room orders, stores and fans out; the rules it
 * applies come from ./rules.ts.
 */
/** What message actions need to know of the caller. */
export type Sender = Pick<Actor, "id" | "emailVerified">;

export async function sendMessage(
  deps: Deps,
  user: Sender,
  conversationId: string,
  input: SendInput,
  origin?: string,
) {
  const room = roomOf(deps.env, conversationId);
  await assertMayPost(deps, user);
  await enforceRateLimitFor(deps.env, "messages", user.id, deps.now);
  return unwrap(await room.send(conversationId, { id: user.id, now: deps.now }, input, origin));
}

export async function editMessage(
  deps: Deps,
  user: Sender,
  conversationId: string,
  seq: number,
  text: string,
  origin?: string,
) {
  return unwrap(
    await roomOf(deps.env, conversationId).edit(
      conversationId,
      { id: user.id, now: deps.now },
      seq,
      text,
      origin,
    ),
  );
}

export async function deleteMessage(
  deps: Deps,
  user: Sender,
  conversationId: string,
  seq: number,
  scope: "me" | "everyone",
  origin?: string,
) {
  return unwrap(
    await roomOf(deps.env, conversationId).remove(
      conversationId,
      { id: user.id, now: deps.now },
      seq,
      scope,
      origin,
    ),
  );
}

export async function reactToMessage(
  deps: Deps,
  user: Sender,
  conversationId: string,
  seq: number,
  emoji: string | null,
  origin?: string,
) {
  const room = roomOf(deps.env, conversationId);
  await enforceRateLimitFor(deps.env, "reactions", user.id, deps.now);
  return unwrap(await room.react(conversationId, { id: user.id, now: deps.now }, seq, emoji, origin));
}

export async function markRead(deps: Deps, user: Sender, conversationId: string, seq: number) {
  return unwrap(
    await roomOf(deps.env, conversationId).read(conversationId, { id: user.id, now: deps.now }, seq),
  );
}

export async function setTyping(deps: Deps, user: Sender, conversationId: string, state: "start" | "stop") {
  await roomOf(deps.env, conversationId).typing(
    conversationId,
    { id: user.id, now: deps.now },
    state === "start",
  );
}

export async function messageHistory(deps: Deps, user: Sender, conversationId: string, query: HistoryQuery) {
  return unwrap(
    await roomOf(deps.env, conversationId).history(conversationId, { id: user.id, now: deps.now }, query),
  );
}
