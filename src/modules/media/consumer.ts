import { depsForBackground } from "../../core/deps";
import { systemClock } from "../../platform/clock";
import { defineConsumer } from "../../platform/queue";
import { MediaJob } from "./jobs";
import { runMediaJob } from "./processing";

/** Media processing: image variants, video checks and Stream hand-off, document checks. */
export const mediaConsumer = defineConsumer({
  queue: "majlis-media",
  schema: MediaJob,
  handle: (job, env, meta) => runMediaJob(depsForBackground(env, systemClock.now()), job, meta.attempts),
});
