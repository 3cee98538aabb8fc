import { defineModule } from "../../core/module";
import { educations, endorsements, experiences, profiles, profileViews, skills } from "../../db/schema";
import { endorsementsBetweenStatements } from "./endorsements";
import { PROFILE_VIEWS_PURGE, purgeProfileCounters } from "./maintenance";
import { profileNotifications } from "./notifications";
import { profileRateLimits } from "./rate-limits";
import { profileRoutes } from "./routes";
import { peopleSearch } from "./search";

/** Profiles, experience, education, skills, endorsements and profile views. */
export const profilesModule = defineModule({
  name: "profiles",
  routes: [{ path: "/api/v1/profiles", router: profileRoutes }],
  rateLimits: profileRateLimits,
  notifications: profileNotifications,
  search: [peopleSearch],
  // A block withdraws skill endorsements both ways.
  onBlock: endorsementsBetweenStatements,
  purge: {
    statements: purgeProfileCounters,
    memberColumns: [
      profiles.userId,
      experiences.userId,
      educations.userId,
      skills.userId,
      profileViews.viewerId,
      profileViews.viewedId,
      endorsements.endorserId,
      endorsements.ownerId,
    ],
  },
  maintenance: [PROFILE_VIEWS_PURGE],
});
