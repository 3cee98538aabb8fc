import { defineModule } from "../../core/module";
import { pollErrors } from "./errors";
import { pollRoutes } from "./routes";

/** Polls attached to posts, one vote per member. */
export const pollsModule = defineModule({
  name: "polls",
  routes: [{ path: "/api/v1/polls", router: pollRoutes }],
  errors: pollErrors,
  purge: { after: ["posts"], memberColumns: [["poll_votes", "user_id"]] },
});
