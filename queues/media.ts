import { depsForBackground } from "../src/core/deps";
import { MediaJob } from "../src/modules/media/jobs";
import { runMediaJob } from "../src/modules/media/processing";
import { systemClock } from "../src/platform/clock";
import { defineConsumer } from "../src/platform/queue";

/** Media processing: image variants, video checks and Stream hand-off, document checks (issue #5). */
export const mediaConsumer = defineConsumer({
  queue: "majlis-media",
  schema: MediaJob,
  handle: (job, env, meta) => runMediaJob(depsForBackground(env, systemClock.now()), job, meta.attempts),
});
