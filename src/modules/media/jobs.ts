import { z } from "@hono/zod-openapi";
import type { Bindings } from "../../platform/env";
import type { Envelope } from "../../platform/queue";

/** Messages of the media queue (majlis-media): process an upload, or ask Stream whether a video is ready. */
export const MediaJob = z.discriminatedUnion("type", [
  z.object({ type: z.literal("process"), mediaId: z.string() }),
  z.object({ type: z.literal("stream-check"), mediaId: z.string(), attempt: z.number().int().min(1) }),
]);
export type MediaJob = z.infer<typeof MediaJob>;

const keyOf = (job: MediaJob) =>
  job.type === "process" ? `process:${job.mediaId}` : `stream-check:${job.mediaId}:${job.attempt}`;

/**
 * Enqueues a media job with its idempotency key. Same envelope as platform/queue.ts `enqueue`, plus an
 * optional delay (Stream readiness checks are spaced out).
 */
export async function enqueueMediaJob(
  env: Pick<Bindings, "MEDIA_QUEUE">,
  job: MediaJob,
  delaySeconds?: number,
): Promise<void> {
  const body = MediaJob.parse(job);
  await env.MEDIA_QUEUE.send({ key: keyOf(body), body } satisfies Envelope<MediaJob>, {
    contentType: "json",
    ...(delaySeconds ? { delaySeconds } : {}),
  });
}
