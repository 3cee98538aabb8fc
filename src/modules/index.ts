import { orderModules } from "../core/module";
import { authModule } from "./auth/manifest";
import { bookmarksModule } from "./bookmarks/manifest";
import { commentsModule } from "./comments/manifest";
import { conversationsModule } from "./conversations/manifest";
import { devModule } from "./dev/manifest";
import { emailModule } from "./email/manifest";
import { feedModule } from "./feed/manifest";
import { graphModule } from "./graph/manifest";
import { hashtagsModule } from "./hashtags/manifest";
import { mediaModule } from "./media/manifest";
import { moderationModule } from "./moderation/manifest";
import { notificationsModule } from "./notifications/manifest";
import { pollsModule } from "./polls/manifest";
import { postsModule } from "./posts/manifest";
import { profilesModule } from "./profiles/manifest";
import { pushModule } from "./push/manifest";
import { reactionsModule } from "./reactions/manifest";
import { realtimeModule } from "./realtime/manifest";
import { searchModule } from "./search/manifest";
import { settingsModule } from "./settings/manifest";

/**
 * Every module of the Worker, once. The app mounts their routes in this order, the cron runs their jobs
 * in this order (media first: its purge needs rows the SQL purge removes), and the queue handler, the
 * block and the account purge find their parts here. A new module is one line.
 */
export const MODULES = [
  authModule,
  devModule,
  graphModule,
  profilesModule,
  settingsModule,
  postsModule,
  reactionsModule,
  commentsModule,
  bookmarksModule,
  pollsModule,
  hashtagsModule,
  feedModule,
  conversationsModule,
  realtimeModule,
  mediaModule,
  notificationsModule,
  pushModule,
  searchModule,
  emailModule,
  moderationModule,
] as const;

orderModules(MODULES.map((m) => m.name));
