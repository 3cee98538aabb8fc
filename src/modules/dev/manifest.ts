import { defineModule } from "../../core/module";
import { devErrors } from "./errors";
import { devRoutes } from "./routes";

/** Development conveniences (the email outbox); refused outside development mode. */
export const devModule = defineModule({
  name: "dev",
  routes: [{ path: "/api/v1/dev", router: devRoutes }],
  errors: devErrors,
});
