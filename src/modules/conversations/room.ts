import type { Bindings } from "../../platform/env";
import { AppError, type ErrorCode, type ErrorDetail } from "../../platform/errors";
import { ID_PATTERN } from "../../platform/ids";
import { logError } from "../../platform/log";

/** How the chat room answers its callers: errors travel as codes (RPC does not carry AppError across). */
export type RoomResult<T> = ({ ok: true } & T) | { ok: false; code: ErrorCode; details?: ErrorDetail[] };

export function fail(
  code: ErrorCode,
  details?: ErrorDetail[],
): { ok: false; code: ErrorCode; details?: ErrorDetail[] } {
  return details ? { ok: false, code, details } : { ok: false, code };
}

/** The successful answer, or the room's refusal thrown as the AppError it stands for. */
export function unwrap<R extends { ok: boolean }>(result: R): Exclude<R, { ok: false }> {
  if (!result.ok) {
    const refusal = result as unknown as { code: ErrorCode; details?: ErrorDetail[] };
    throw new AppError(refusal.code, refusal.details);
  }
  return result as Exclude<R, { ok: false }>;
}

/** The conversation's chat room. Ids that could never be a conversation are refused before waking one. */
export function roomOf(env: Pick<Bindings, "CHAT_ROOM">, conversationId: string) {
  if (!ID_PATTERN.test(conversationId)) throw new AppError("NOT_FOUND");
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(conversationId));
}

/** A chat room's background failure (write-back, fan-out, notices): logged, never thrown to a caller. */
export function logRoomError(msg: string, err: unknown): void {
  logError(msg, { error: err instanceof Error ? err.message : String(err) });
}
