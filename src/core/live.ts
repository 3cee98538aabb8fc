import type { Bindings } from "../platform/env";

/**
 * What the rest of the Worker may ask of a member's hub: the UserHub Durable Object of the realtime module
 * implements it, so services reach members' sockets without depending on that module.
 */
export interface MemberHub extends Rpc.DurableObjectBranded {
  /**
   * Sends frames to every open socket of the member; answers how many sockets there were (a bare number:
   * one call per member per event is the fan-out's main cost, so its answer stays minimal). A chat room
   * passes its conversation id as `room`: when the answer is 0 the hub remembers it and tells that room
   * when the member connects a socket again, so rooms may skip members who have none. `epoch` names the
   * room's instance: frames it had queued die with it when it restarts, so a hub that sees a new epoch for
   * a conversation first replays, on each socket that had its events, what came after the last one sent.
   */
  deliver(frames: HubFrame[], room?: string, epoch?: string): number;
  /** Closes the member's sockets, all or those of the given sessions. */
  disconnect(sessionIds: string[] | null): void;
  fetch(request: Request): Promise<Response>;
}

declare module "../platform/env" {
  interface Bindings {
    /** One UserHub Durable Object per member, holding that member's WebSockets. */
    USER_HUB: DurableObjectNamespace<MemberHub>;
  }
}

/**
 * The one way to push a live event to a member's open WebSockets (every device and tab), through that
 * member's UserHub Durable Object. Events are JSON objects with a `type` (see docs/REALTIME.md), e.g.
 * `{type: "media_ready", mediaId}` or `{type: "notification", ...}`. A member with no open socket simply
 * gets nothing: live events are best effort, durable state lives in D1 or in the chat rooms.
 */
export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

/** One frame for a hub to send: `j` is the event already serialized, so a fan-out serializes it once. */
export interface HubFrame {
  /** Conversation id, for conversation events (used to keep resumed conversations in order). */
  c?: string;
  /** Conversation log sequence of the event, when it has one. */
  s?: number;
  /** The JSON text of the event. */
  j: string;
  /** Socket id that must not receive this frame (the one that sent the message gets its ack instead). */
  o?: string;
}

export function hubOf(env: Pick<Bindings, "USER_HUB">, userId: string) {
  return env.USER_HUB.get(env.USER_HUB.idFromName(userId));
}

/** Pushes `event` to every open socket of `userId`; answers how many sockets it reached (0 = offline). */
export async function pushToUser(
  env: Pick<Bindings, "USER_HUB">,
  userId: string,
  event: LiveEvent,
): Promise<number> {
  return await hubOf(env, userId).deliver([{ j: JSON.stringify(event) }]);
}

/** Pushes the same event to several members (serialized once). Never throws: live events are best effort. */
export async function pushToUsers(
  env: Pick<Bindings, "USER_HUB">,
  userIds: Iterable<string>,
  event: LiveEvent,
): Promise<void> {
  const frame: HubFrame = { j: JSON.stringify(event) };
  await Promise.all(
    [...new Set(userIds)].map((id) =>
      hubOf(env, id)
        .deliver([frame])
        .catch(() => undefined),
    ),
  );
}

/**
 * Closes a member's sockets: all of them, or only those opened with the given sessions (call it after
 * logout, logout-all, password reset, suspension or account deletion).
 */
export async function disconnectUser(
  env: Pick<Bindings, "USER_HUB">,
  userId: string,
  sessionIds?: string[],
): Promise<void> {
  await hubOf(env, userId).disconnect(sessionIds ?? null);
}
