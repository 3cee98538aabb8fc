import { defineModule } from "../../core/module";
import { pollVotes } from "../../db/schema";
import { pollErrors } from "./errors";
import { pollRoutes } from "./routes";

/** Polls attached to posts, one vote per member. */
export const pollsModule = defineModule({
  name: "polls",
  routes: [{ path: "/api/v1/polls", router: pollRoutes }],
  errors: pollErrors,
  purge: { after: ["posts"], memberColumns: [pollVotes.userId] },
});
