import { systemClock } from "../src/lib/clock";
import { depsForBackground } from "../src/lib/deps";
import { MediaJob } from "../src/modules/media/jobs";
import { runMediaJob } from "../src/modules/media/processing";
import { defineConsumer } from "./framework";

/** Media processing: image variants, video checks and Stream hand-off, document checks (issue #5). */
export const mediaConsumer = defineConsumer({
  queue: "majlis-media",
  schema: MediaJob,
  handle: (job, env, meta) => runMediaJob(depsForBackground(env, systemClock.now()), job, meta.attempts),
});
