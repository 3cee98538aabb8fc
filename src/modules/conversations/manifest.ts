import { defineModule } from "../../core/module";
import {
  conversationInvitations,
  conversationMembers,
  conversations,
  messageAttachments,
} from "../../db/schema";
import { conversationErrors } from "./errors";
import { purgeMessagingOf } from "./maintenance";
import { messageRoutes } from "./message-routes";
import { conversationNotifications } from "./notifications";
import { conversationRateLimits } from "./rate-limits";
import { conversationRoutes } from "./routes";
import { refreshAfterBlock } from "./service";
import { conversationTargets } from "./targets";

/** 1:1 and group conversations; the messages live in each conversation's ChatRoom Durable Object. */
export const conversationsModule = defineModule({
  name: "conversations",
  routes: [
    { path: "/api/v1/conversations", router: conversationRoutes },
    { path: "/api/v1/conversations", router: messageRoutes },
  ],
  errors: conversationErrors,
  rateLimits: conversationRateLimits,
  notifications: conversationNotifications,
  targets: conversationTargets,
  // Group rooms cache the block pairs between members for their fan-out.
  afterBlockChange: refreshAfterBlock,
  purge: {
    statements: purgeMessagingOf,
    memberColumns: [
      conversationMembers.userId,
      conversationInvitations.userId,
      conversationInvitations.invitedBy,
      messageAttachments.senderId,
    ],
    keeps: [
      [conversations.createdBy, "a group stays when its creator's account is purged"],
      [
        conversations.lastMessageSenderId,
        "the list shows who sent the last message, like the message itself",
      ],
    ],
  },
});
