import { publishEvents } from "../../core/events";
import type { Bindings } from "../../platform/env";

/** The actor of notices sent by Majlis itself (no member behind them). */
export const SYSTEM_ACTOR = "system";

export interface SystemNotice {
  textAr: string;
  textEn: string;
  /** A path of the web app, e.g. "/settings/security". */
  link?: string;
}

/**
 * Sends a notice from Majlis to members (security alerts, policy changes, moderation outcomes). `key`
 * identifies the notice: publishing it again does not notify twice.
 */
export async function publishSystemNotice(
  env: Pick<Bindings, "NOTIFY_QUEUE">,
  key: string,
  recipientIds: string[],
  notice: SystemNotice,
  now: number,
): Promise<void> {
  await publishEvents(
    env,
    [...new Set(recipientIds)].map((recipientId) => ({
      key: `system:${key}:${recipientId}`,
      event: {
        type: "system" as const,
        actorId: SYSTEM_ACTOR,
        recipientId,
        data: { textAr: notice.textAr, textEn: notice.textEn, ...(notice.link ? { link: notice.link } : {}) },
        at: now,
      },
    })),
  );
}
