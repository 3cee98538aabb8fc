import type { Deps } from "../../core/deps";
import { verifySession } from "../../core/identity/auth";
import { systemClock } from "../../platform/clock";
import type { Bindings } from "../../platform/env";
import { AppError } from "../../platform/errors";
import {
  deleteMessage,
  editMessage,
  markRead,
  reactToMessage,
  sendMessage,
  setTyping,
} from "../conversations";
import type { ClientFrame } from "./protocol";
import { type SocketClaims, tokenExpiry } from "./socket";

/** The socket a frame came from: its member, and its id (the origin that gets an ack, not the event). */
export interface FrameSocket extends SocketClaims {
  id: string;
}

type MessageFrame = Extract<ClientFrame, { type: "send" | "edit" | "delete" | "react" | "read" | "typing" }>;

/**
 * A message action sent over a socket: the same service calls as the HTTP routes (same checks and limits),
 * answered with the ack's body (none for typing, which is never acknowledged).
 */
export async function messageFrame(deps: Deps, socket: FrameSocket, frame: MessageFrame) {
  const user = { id: socket.userId, emailVerified: socket.emailVerified };
  switch (frame.type) {
    case "send": {
      const { type: _t, ref: _r, conversationId, ...input } = frame;
      const result = await sendMessage(deps, user, conversationId, input, socket.id);
      return {
        conversationId,
        seq: result.message.seq,
        duplicate: result.duplicate,
        message: result.message,
      };
    }
    case "edit": {
      const result = await editMessage(deps, user, frame.conversationId, frame.seq, frame.text, socket.id);
      return { conversationId: frame.conversationId, seq: frame.seq, message: result.message };
    }
    case "delete": {
      const { conversationId, seq, scope } = frame;
      const result = await deleteMessage(deps, user, conversationId, seq, scope, socket.id);
      return { conversationId, seq, message: result.message };
    }
    case "react": {
      const { conversationId, seq, emoji } = frame;
      const result = await reactToMessage(deps, user, conversationId, seq, emoji, socket.id);
      return { conversationId, seq, message: result.message };
    }
    case "read": {
      const result = await markRead(deps, user, frame.conversationId, frame.seq);
      return { conversationId: frame.conversationId, readSeq: result.readSeq };
    }
    case "typing":
      await setTyping(deps, user, frame.conversationId, frame.state);
      return undefined;
  }
}

/**
 * An `auth` frame: a fresh token for the same member, checked like an HTTP request's (signature, expiry,
 * revoked session). Updates the socket's expiry and verified flag; answers the new expiry (ms).
 */
export async function renewToken(
  env: Bindings,
  socket: SocketClaims,
  token: string,
  now: number,
): Promise<number> {
  const fresh = await verifySession(env, systemClock, token);
  if (fresh.id !== socket.userId) throw new AppError("INVALID_TOKEN");
  socket.exp = tokenExpiry(token) ?? now;
  socket.emailVerified = fresh.emailVerified;
  return socket.exp;
}
