import { defineModule } from "../../core/module";
import { presence } from "../../db/schema";
import { realtimeErrors } from "./errors";
import { realtimeRoutes } from "./routes";

/** The WebSocket endpoint, each member's UserHub and presence. */
export const realtimeModule = defineModule({
  name: "realtime",
  routes: [{ path: "/api/v1/realtime", router: realtimeRoutes }],
  errors: realtimeErrors,
  purge: { memberColumns: [presence.userId] },
});
