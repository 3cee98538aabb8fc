import { fromBase64url, fromUtf8 } from "../../platform/encoding";
import type { Locale } from "../../platform/i18n";
import { logError } from "../../platform/log";

/** What the upgrade route tells the member's hub about a socket it authenticated. */
export interface SocketClaims {
  userId: string;
  sessionId: string;
  emailVerified: boolean;
  /** Access token expiry (ms): after it, actions on the socket answer TOKEN_EXPIRED until an `auth` frame. */
  exp: number;
  locale: Locale;
  /** The subprotocol to answer with, when the client offered any. */
  protocol: string | null;
  /** `?resume=1`: hold conversation events until the socket's first `resume` (docs/REALTIME.md §5). */
  holdUntilResume: boolean;
}

export const BEARER_PROTOCOL_PREFIX = "bearer.";

/** The `exp` of a JWT that was already verified, in ms. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(fromUtf8(fromBase64url(token.split(".")[1] ?? ""))) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Subprotocols offered in `Sec-WebSocket-Protocol` (browsers cannot set other headers on a WebSocket). */
export function offeredProtocols(header: string | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Sends a text frame; a socket that is closing drops it. */
export function sendRaw(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // The socket is closing; its close handler cleans up.
  }
}

/** The `ref` of a client frame, when it has a usable one (errors echo it even for invalid frames). */
export function refOf(data: unknown): string | undefined {
  if (data && typeof data === "object" && "ref" in data) {
    const ref = (data as { ref: unknown }).ref;
    if (typeof ref === "string" && ref.length <= 64) return ref;
  }
  return undefined;
}

/** A hub's failure that no client frame answers for (logged, never thrown). */
export function logHubError(msg: string, err: unknown): void {
  logError(msg, { error: err instanceof Error ? err.message : String(err) });
}
