// Bench-only entry: the real Worker (same default export and Durable Object classes) plus two reference
// routes and a bare broadcast room that exist only in the bench build (bench/lib/build.mjs).
//   GET /__bench/hello          plain JSON: the ceiling of this runtime on this machine
//   GET /__bench/one-row?id=    one users row by primary key through the app's drizzle client: one D1 round trip
//   GET /__bench/room           WebSocket into BareRoom: the reference for chat fan-out
//   ANY /__bench/trace?method=&path=  one request through the real Worker, with its round trips and query plans
import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { createDb } from "../src/core/db";
import { users } from "../src/db/schema";
import worker from "../src/index";
import type { Bindings } from "../src/platform/env";
import { traceRequest } from "./trace";

export * from "../src/index";

interface BenchBindings extends Bindings {
  BENCH_ROOM: DurableObjectNamespace<BareRoom>;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** The reference routes, then the real Worker. */
async function serve(request: Request, env: BenchBindings, ctx: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/__bench/hello") return json({ hello: "world" });
  if (url.pathname === "/__bench/one-row") {
    const id = url.searchParams.get("id") ?? "";
    const row = await createDb(env.DB)
      .select({ id: users.id, username: users.username, displayName: users.displayName })
      .from(users)
      .where(eq(users.id, id))
      .get();
    return row ? json(row) : json({ error: "not found" }, 404);
  }
  if (url.pathname === "/__bench/room") {
    return env.BENCH_ROOM.get(env.BENCH_ROOM.idFromName("bare")).fetch(request);
  }
  return worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
}

export default {
  ...worker,
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/trace") {
      return traceRequest(request, env, ctx, { fetch: (r, e, c) => serve(r, e as BenchBindings, c) });
    }
    return serve(request, env, ctx);
  },
} satisfies ExportedHandler<BenchBindings>;

/**
 * The reference room: accepts WebSockets (hibernation API) and broadcasts every frame to all other sockets,
 * with an ack to the sender; no auth, no storage, no ordering work. Same protocol shape as the chat room,
 * so bench/realtime-fanout.mjs drives both the same way.
 */
export class BareRoom extends DurableObject {
  override async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.send('{"type":"ready"}');
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    const frame = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    ws.send(JSON.stringify({ type: "ack", ref: frame.ref, seq: 0 }));
    const out = JSON.stringify({
      type: "message",
      conversationId: "bare",
      seq: 0,
      message: { text: frame.text },
    });
    for (const s of this.ctx.getWebSockets()) if (s !== ws) s.send(out);
  }
}
