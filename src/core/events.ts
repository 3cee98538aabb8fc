import { z } from "@hono/zod-openapi";
import type { Bindings } from "../platform/env";
import { enqueue } from "../platform/queue";
import { type NotificationTypeName, notificationType } from "./notifications";

/**
 * Domain events: things members did that others may be told about (notifications, emails, push).
 * Services publish them here; the notify queue consumer fans them out into notifications.
 * `key` is the idempotency key: the same action published twice is delivered once.
 */
export const DomainEvent = z.object({
  /** A notification type some module declared (./notifications.ts). */
  type: z
    .string()
    .refine((t): t is NotificationTypeName => notificationType(t) !== undefined, "unknown notification type"),
  actorId: z.string(),
  recipientId: z.string(),
  /** What the event is about, e.g. {type: "post", id}. */
  target: z.object({ type: z.string(), id: z.string() }).optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  at: z.number().int(),
});
export type DomainEvent = z.infer<typeof DomainEvent>;

export const domainEventSchema = { schema: DomainEvent };

export async function publishEvents(
  env: Pick<Bindings, "NOTIFY_QUEUE">,
  events: { key: string; event: DomainEvent }[],
): Promise<void> {
  // Never tell members about their own actions.
  const wanted = events.filter((e) => e.event.actorId !== e.event.recipientId);
  await Promise.all(wanted.map((e) => enqueue(env.NOTIFY_QUEUE, domainEventSchema, e.key, e.event)));
}
