import type { publishEvents } from "../../core/events";
import { type RoomState, viewerOf } from "./chat-room-state";
import { isMuted, preview, seesMember } from "./rules";
import type { Message } from "./schemas";

/**
 * The notices a new message raises once the fan-out knows who was online (`online`): mentions always
 * notify; other messages only members who were offline and have not muted the conversation. Nobody
 * hears of a sender a block hides from them, and inactive members hear nothing.
 */
export function messageNotices(
  st: RoomState,
  conversationId: string,
  senderId: string,
  message: Message,
  online: ReadonlySet<string>,
  now: number,
): Parameters<typeof publishEvents>[1] {
  const mentioned = new Set(message.mentions);
  const target = { type: "conversation", id: conversationId };
  const data = { seq: message.seq, preview: preview(message.text, false) };
  const notices: Parameters<typeof publishEvents>[1] = [];
  for (const m of st.members.values()) {
    if (m.userId === senderId || !m.active || !seesMember(viewerOf(st, m), senderId)) continue;
    const type = mentioned.has(m.userId)
      ? "mention"
      : !online.has(m.userId) && !isMuted(m.mutedUntil, now)
        ? "message"
        : null;
    if (!type) continue;
    notices.push({
      key: `${type}:${conversationId}:${message.seq}:${m.userId}`,
      event: { type, actorId: senderId, recipientId: m.userId, target, data, at: now },
    });
  }
  return notices;
}
