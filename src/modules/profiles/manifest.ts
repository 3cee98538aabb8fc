import { defineModule } from "../../core/module";
import { endorsementsBetweenStatements } from "./endorsements";
import { PROFILE_VIEWS_PURGE, purgeProfileCounters } from "./maintenance";
import { profileNotifications } from "./notifications";
import { profileRateLimits } from "./rate-limits";
import { profileRoutes } from "./routes";

/** Profiles, experience, education, skills, endorsements and profile views. */
export const profilesModule = defineModule({
  name: "profiles",
  routes: [{ path: "/api/v1/profiles", router: profileRoutes }],
  rateLimits: profileRateLimits,
  notifications: profileNotifications,
  // A block withdraws skill endorsements both ways.
  onBlock: endorsementsBetweenStatements,
  purge: {
    statements: purgeProfileCounters,
    memberColumns: [
      ["profiles", "user_id"],
      ["experiences", "user_id"],
      ["educations", "user_id"],
      ["skills", "user_id"],
      ["profile_views", "viewer_id"],
      ["profile_views", "viewed_id"],
      ["endorsements", "endorser_id"],
      ["endorsements", "owner_id"],
    ],
  },
  maintenance: [PROFILE_VIEWS_PURGE],
});
