import { z } from "@hono/zod-openapi";
import type { Bindings } from "../platform/env";
import { enqueueBatch } from "../platform/queue";
import { type NotificationTypeName, notificationType } from "./notifications";

const registeredType = z
  .string()
  .refine((t): t is NotificationTypeName => notificationType(t) !== undefined, "unknown notification type");
const target = z.object({ type: z.string(), id: z.string() });

/**
 * Domain events: things members did that others may be told about (notifications, emails, push).
 * Services publish them here; the notify queue consumer fans them out into notifications.
 * `key` is the idempotency key: the same action published twice is delivered once.
 */
export const DomainEvent = z.object({
  /** A notification type some module declared (./notifications.ts). */
  type: registeredType,
  actorId: z.string(),
  recipientId: z.string(),
  /** What the event is about, e.g. {type: "post", id}. */
  target: target.optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  at: z.number().int(),
  /**
   * A coalesced event stands for this many (e.g. 12 messages a member missed since the last notice); the
   * notification's event count grows by it. Absent: one.
   */
  count: z.number().int().min(1).max(1_000_000).optional(),
  /** Every actor of a coalesced event with the time of their latest part (`actorId` is the latest). */
  actors: z
    .array(z.object({ id: z.string(), at: z.number().int() }))
    .max(256)
    .optional(),
});
export type DomainEvent = z.infer<typeof DomainEvent>;

export const domainEventSchema = { schema: DomainEvent };

/**
 * The recipient caught up with a target (read a conversation up to `upToSeq`): their unread notices of
 * `noticeType` about it whose `data.seq` is at most `upToSeq` are settled (marked read).
 */
export const NoticesRead = z.object({
  type: z.literal("notices.read"),
  recipientId: z.string(),
  noticeType: registeredType,
  target,
  upToSeq: z.number().int().min(0),
  at: z.number().int(),
});
export type NoticesRead = z.infer<typeof NoticesRead>;

/**
 * Publishes events in `sendBatch` calls of up to 100 (not one queue operation per event). Answers the
 * number of queue operations it took.
 */
export async function publishEvents(
  env: Pick<Bindings, "NOTIFY_QUEUE">,
  events: { key: string; event: DomainEvent }[],
): Promise<number> {
  // Never tell members about their own actions.
  const wanted = events.filter((e) => e.event.actorId !== e.event.recipientId);
  if (wanted.length === 0) return 0;
  return enqueueBatch(
    env.NOTIFY_QUEUE,
    domainEventSchema,
    wanted.map((e) => ({ key: e.key, body: e.event })),
  );
}

/** Tells the notify queue that a member caught up (see `NoticesRead`). */
export async function publishNoticesRead(
  env: Pick<Bindings, "NOTIFY_QUEUE">,
  key: string,
  read: NoticesRead,
): Promise<void> {
  await enqueueBatch(env.NOTIFY_QUEUE, { schema: NoticesRead }, [{ key, body: read }]);
}
