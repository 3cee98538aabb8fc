import { defineModule } from "../../core/module";
import { media, mediaUploads } from "../../db/schema";
import { mediaConsumer } from "./consumer";
import { mediaErrors } from "./errors";
import { purgeMedia } from "./maintenance";
import { mediaRateLimits } from "./rate-limits";
import { deliveryRoutes, mediaRoutes } from "./routes";

/** Uploads, processing and delivery of images, videos and documents. */
export const mediaModule = defineModule({
  name: "media",
  routes: [
    { path: "/api/v1/media", router: mediaRoutes },
    { path: "/media", router: deliveryRoutes },
  ],
  errors: mediaErrors,
  rateLimits: mediaRateLimits,
  consumers: [mediaConsumer],
  // Runs before the SQL purge: it needs the purged accounts' media rows to delete their R2 objects.
  jobs: [{ name: "purge-media", run: (env, now) => purgeMedia(env, now) }],
  purge: {
    keeps: [
      [media.ownerId, "deleted by the purge-media job together with their R2 objects"],
      [mediaUploads.ownerId, "deleted by the purge-media job together with their R2 objects"],
    ],
  },
});
