import { afterEach } from "vitest";
import { fetchWorker } from "./worker";

/**
 * A small WebSocket client for tests: opens `GET /api/v1/realtime` through the real Worker entry point,
 * records every event, and lets a test await the next event of a type (with a timeout) or send a frame
 * and await its answer (`ack` or `error` with the same ref).
 */
export type Event = { type: string; [key: string]: any };

interface Waiter {
  match: (e: Event) => boolean;
  resolve: (e: Event) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface OpenOptions {
  via?: "query" | "protocol" | "header";
  lang?: "ar" | "en";
  /** Connect with ?resume=1: conversation events wait for the first `resume` frame. */
  resume?: boolean;
}

let refs = 0;

export class TestSocket {
  /** Every event received, in order. */
  readonly received: Event[] = [];
  private readonly unread: Event[] = [];
  private readonly waiters: Waiter[] = [];
  closed: { code: number; reason: string } | null = null;
  ready!: Event;

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (m) => this.onEvent(JSON.parse(String(m.data)) as Event));
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
  }

  static async open(token: string, opts: OpenOptions = {}): Promise<TestSocket> {
    const res = await upgrade(token, opts);
    if (res.status !== 101 || !res.webSocket) {
      throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
    }
    res.webSocket.accept();
    const socket = new TestSocket(res.webSocket);
    socket.ready = await socket.next("ready");
    return socket;
  }

  private onEvent(e: Event): void {
    this.received.push(e);
    const i = this.waiters.findIndex((w) => w.match(e));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w!.timer);
      w!.resolve(e);
    } else {
      this.unread.push(e);
    }
  }

  /** The next not-yet-consumed event of `type` (and matching `where`), waiting up to `timeoutMs`. */
  next(
    type: string | string[],
    where: (e: Event) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Event> {
    const types = Array.isArray(type) ? type : [type];
    const match = (e: Event) => types.includes(e.type) && where(e);
    const i = this.unread.findIndex(match);
    if (i >= 0) return Promise.resolve(this.unread.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const idx = this.waiters.indexOf(waiter);
        if (idx >= 0) this.waiters.splice(idx, 1);
        reject(
          new Error(
            `no "${types.join("|")}" event within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((r) => r.type))}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = { match, resolve, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** Unconsumed events of a type received so far (does not wait). */
  pending(type: string): Event[] {
    return this.unread.filter((e) => e.type === type);
  }

  /** Forgets unconsumed events (of one type, or all). */
  drain(type?: string): void {
    for (let i = this.unread.length - 1; i >= 0; i--)
      if (!type || this.unread[i]!.type === type) this.unread.splice(i, 1);
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends a frame with a fresh ref and resolves with the `ack` or `error` answering it. */
  async request(frame: object, timeoutMs = 5_000): Promise<Event> {
    const ref = `r${++refs}`;
    this.send({ ...frame, ref });
    return this.next(["ack", "error"], (e) => e.ref === ref, timeoutMs);
  }

  /** Resolves once no event of `type` arrived for `ms` (use a short window: it is a negative check). */
  async expectNone(type: string, ms = 300, where: (e: Event) => boolean = () => true): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const got = this.unread.filter((e) => e.type === type && where(e));
    if (got.length > 0) throw new Error(`unexpected "${type}" event: ${JSON.stringify(got[0])}`);
  }

  /** Resolves with the close code once the server closed the socket. */
  async closedWith(timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`socket still open after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed.code;
  }

  close(code = 1000): void {
    try {
      this.ws.close(code, "test done");
    } catch {
      // already closed
    }
  }
}

export function upgrade(token: string | null, opts: OpenOptions = {}): Promise<Response> {
  const via = opts.via ?? "query";
  const headers: Record<string, string> = { upgrade: "websocket", "accept-language": opts.lang ?? "en" };
  let url = "http://majlis.test/api/v1/realtime";
  if (token && via === "query") url += `?access_token=${encodeURIComponent(token)}`;
  if (opts.resume) url += `${url.includes("?") ? "&" : "?"}resume=1`;
  if (token && via === "header") headers.authorization = `Bearer ${token}`;
  if (token && via === "protocol") headers["sec-websocket-protocol"] = `majlis.v1, bearer.${token}`;
  return fetchWorker(url, { headers });
}

/** Waits until `check` returns a truthy value (polling D1-backed state written asynchronously). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

/**
 * An opener for a test file's sockets that closes every socket it opened after each test:
 * `const socket = socketsClosedAfterEach();` then `await socket(user.token)`.
 */
export function socketsClosedAfterEach(): (token: string, opts?: OpenOptions) => Promise<TestSocket> {
  const open: TestSocket[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  return async (token, opts) => {
    const s = await TestSocket.open(token, opts);
    open.push(s);
    return s;
  };
}
