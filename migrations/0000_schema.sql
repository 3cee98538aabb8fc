CREATE TABLE `bookmarks` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookmarks_unique` ON `bookmarks` (`user_id`,`target_type`,`target_id`);--> statement-breakpoint
CREATE INDEX `bookmarks_user_idx` ON `bookmarks` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `bookmarks_target_idx` ON `bookmarks` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `comments` (
	`id` text PRIMARY KEY NOT NULL,
	`post_id` text NOT NULL,
	`post_author_id` text NOT NULL,
	`author_id` text NOT NULL,
	`parent_id` text,
	`content` text NOT NULL,
	`text_direction` text NOT NULL,
	`mentions` text DEFAULT '[]' NOT NULL,
	`r_like` integer DEFAULT 0 NOT NULL,
	`r_celebrate` integer DEFAULT 0 NOT NULL,
	`r_support` integer DEFAULT 0 NOT NULL,
	`r_love` integer DEFAULT 0 NOT NULL,
	`r_insightful` integer DEFAULT 0 NOT NULL,
	`r_funny` integer DEFAULT 0 NOT NULL,
	`reply_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `comments_post_idx` ON `comments` (`post_id`,`parent_id`,`id`);--> statement-breakpoint
CREATE INDEX `comments_parent_idx` ON `comments` (`parent_id`,`id`) WHERE parent_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `comments_author_idx` ON `comments` (`author_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `hashtag_usage` (
	`hashtag_id` text NOT NULL,
	`hour` integer NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`hashtag_id`, `hour`)
);
--> statement-breakpoint
CREATE INDEX `hashtag_usage_hour_idx` ON `hashtag_usage` (`hour`);--> statement-breakpoint
CREATE TABLE `hashtags` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`display` text NOT NULL,
	`post_count` integer DEFAULT 0 NOT NULL,
	`follower_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hashtags_key_unique` ON `hashtags` (`key`);--> statement-breakpoint
CREATE TABLE `hot_posts` (
	`post_id` text PRIMARY KEY NOT NULL,
	`engagement` integer NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mentions` (
	`id` text PRIMARY KEY NOT NULL,
	`post_id` text,
	`comment_id` text,
	`author_id` text NOT NULL,
	`user_id` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mentions_user_idx` ON `mentions` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `mentions_post_idx` ON `mentions` (`post_id`) WHERE post_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `mentions_comment_idx` ON `mentions` (`comment_id`) WHERE comment_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `poll_options` (
	`id` text PRIMARY KEY NOT NULL,
	`poll_id` text NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	`vote_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `poll_options_poll_idx` ON `poll_options` (`poll_id`,`position`);--> statement-breakpoint
CREATE TABLE `poll_votes` (
	`id` text PRIMARY KEY NOT NULL,
	`poll_id` text NOT NULL,
	`option_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_votes_one_per_member` ON `poll_votes` (`poll_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `poll_votes_user_idx` ON `poll_votes` (`user_id`);--> statement-breakpoint
CREATE TABLE `polls` (
	`id` text PRIMARY KEY NOT NULL,
	`post_id` text NOT NULL,
	`closes_at` integer NOT NULL,
	`total_votes` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `polls_post_unique` ON `polls` (`post_id`);--> statement-breakpoint
CREATE TABLE `post_edits` (
	`id` text PRIMARY KEY NOT NULL,
	`post_id` text NOT NULL,
	`content` text NOT NULL,
	`text_direction` text NOT NULL,
	`visibility` text NOT NULL,
	`replaced_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `post_edits_post_idx` ON `post_edits` (`post_id`,`id`);--> statement-breakpoint
CREATE TABLE `post_hashtags` (
	`hashtag_id` text NOT NULL,
	`post_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`hashtag_id`, `post_id`)
);
--> statement-breakpoint
CREATE INDEX `post_hashtags_post_idx` ON `post_hashtags` (`post_id`);--> statement-breakpoint
CREATE TABLE `post_media` (
	`post_id` text NOT NULL,
	`media_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`post_id`, `media_id`)
);
--> statement-breakpoint
CREATE INDEX `post_media_media_idx` ON `post_media` (`media_id`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`author_id` text NOT NULL,
	`kind` text DEFAULT 'POST' NOT NULL,
	`repost_of_id` text,
	`content` text DEFAULT '' NOT NULL,
	`visibility` text NOT NULL,
	`text_direction` text NOT NULL,
	`hashtags` text DEFAULT '[]' NOT NULL,
	`mentions` text DEFAULT '[]' NOT NULL,
	`media_count` integer DEFAULT 0 NOT NULL,
	`has_poll` integer DEFAULT false NOT NULL,
	`r_like` integer DEFAULT 0 NOT NULL,
	`r_celebrate` integer DEFAULT 0 NOT NULL,
	`r_support` integer DEFAULT 0 NOT NULL,
	`r_love` integer DEFAULT 0 NOT NULL,
	`r_insightful` integer DEFAULT 0 NOT NULL,
	`r_funny` integer DEFAULT 0 NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`repost_count` integer DEFAULT 0 NOT NULL,
	`bookmark_count` integer DEFAULT 0 NOT NULL,
	`rev` text NOT NULL,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `posts_author_feed_idx` ON `posts` (`author_id`,`id`,`kind`,`visibility`,`deleted_at`,`repost_of_id`);--> statement-breakpoint
CREATE INDEX `posts_repost_of_idx` ON `posts` (`repost_of_id`,`id`) WHERE repost_of_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `posts_one_repost_per_member` ON `posts` (`author_id`,`repost_of_id`) WHERE repost_of_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `reactions` (
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`target_type`, `target_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `reactions_target_time_idx` ON `reactions` (`target_type`,`target_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reactions_target_type_idx` ON `reactions` (`target_type`,`target_id`,`type`,`created_at`);--> statement-breakpoint
CREATE INDEX `reactions_user_idx` ON `reactions` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `trending_hashtags` (
	`hashtag_id` text PRIMARY KEY NOT NULL,
	`score` real NOT NULL,
	`uses_24h` integer NOT NULL,
	`uses_7d` integer NOT NULL,
	`uses_30d` integer NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `trending_score_idx` ON `trending_hashtags` (`score`);--> statement-breakpoint
CREATE TABLE `blocks` (
	`blocker_id` text NOT NULL,
	`blocked_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`blocker_id`, `blocked_id`)
);
--> statement-breakpoint
CREATE INDEX `blocks_blocked_idx` ON `blocks` (`blocked_id`,`blocker_id`);--> statement-breakpoint
CREATE INDEX `blocks_blocker_time_idx` ON `blocks` (`blocker_id`,`created_at`,`blocked_id`);--> statement-breakpoint
CREATE TABLE `connection_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`requester_id` text NOT NULL,
	`addressee_id` text NOT NULL,
	`pair_key` text NOT NULL,
	`note` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`responded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connection_requests_pending_pair` ON `connection_requests` (`pair_key`) WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX `connection_requests_addressee_idx` ON `connection_requests` (`addressee_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `connection_requests_requester_idx` ON `connection_requests` (`requester_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `connection_requests_pair_idx` ON `connection_requests` (`pair_key`,`status`);--> statement-breakpoint
CREATE INDEX `connection_requests_expiry_idx` ON `connection_requests` (`expires_at`,`status`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` text NOT NULL,
	`user_id` text NOT NULL,
	`other_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `other_id`)
);
--> statement-breakpoint
CREATE INDEX `connections_user_id_idx` ON `connections` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `follows` (
	`id` text PRIMARY KEY NOT NULL,
	`follower_id` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `follows_unique` ON `follows` (`follower_id`,`target_type`,`target_id`);--> statement-breakpoint
CREATE INDEX `follows_target_idx` ON `follows` (`target_type`,`target_id`,`id`);--> statement-breakpoint
CREATE INDEX `follows_follower_idx` ON `follows` (`follower_id`,`target_type`,`id`);--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to_email` text NOT NULL,
	`template` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_outbox_to_idx` ON `email_outbox` (`to_email`,`created_at`);--> statement-breakpoint
CREATE TABLE `email_verifications` (
	`user_id` text PRIMARY KEY NOT NULL,
	`code_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `login_history` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`success` integer NOT NULL,
	`reason` text,
	`ip` text,
	`user_agent` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_history_user_idx` ON `login_history` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `login_history_time_idx` ON `login_history` (`created_at`);--> statement-breakpoint
CREATE TABLE `password_resets` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `password_resets_user_idx` ON `password_resets` (`user_id`);--> statement-breakpoint
CREATE TABLE `queue_receipts` (
	`key` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`processed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`rotated_at` integer
);
--> statement-breakpoint
CREATE INDEX `refresh_tokens_session_idx` ON `refresh_tokens` (`session_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`user_agent` text,
	`ip` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`,`revoked_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`email` text NOT NULL,
	`email_verified_at` integer,
	`password_hash` text NOT NULL,
	`display_name` text NOT NULL,
	`locale` text DEFAULT 'ar' NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`status` text DEFAULT 'ACTIVE' NOT NULL,
	`shadowbanned` integer DEFAULT false NOT NULL,
	`muted_until` integer,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_deleted_idx` ON `users` (`status`,`deleted_at`);--> statement-breakpoint
CREATE TABLE `media` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`mime_type` text NOT NULL,
	`size` integer NOT NULL,
	`alt_text` text,
	`width` integer,
	`height` integer,
	`original_key` text,
	`variant_key` text,
	`thumbnail_key` text,
	`thumbnail_width` integer,
	`thumbnail_height` integer,
	`filename` text,
	`sha256` text,
	`page_count` integer,
	`duration_seconds` integer,
	`stream_uid` text,
	`playback_url` text,
	`failure_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_owner_idx` ON `media` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `media_status_idx` ON `media` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `media_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`kind` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`filename` text,
	`alt_text` text,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_uploads_expiry_idx` ON `media_uploads` (`expires_at`);--> statement-breakpoint
CREATE INDEX `media_uploads_owner_idx` ON `media_uploads` (`owner_id`);--> statement-breakpoint
CREATE TABLE `conversation_invitations` (
	`conversation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`invited_by` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_invitations_user_idx` ON `conversation_invitations` (`user_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `conversation_invitations_inviter_idx` ON `conversation_invitations` (`invited_by`,`created_at`);--> statement-breakpoint
CREATE TABLE `conversation_members` (
	`conversation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text DEFAULT 'MEMBER' NOT NULL,
	`joined_at` integer NOT NULL,
	`joined_seq` integer DEFAULT 0 NOT NULL,
	`last_read_seq` integer DEFAULT 0 NOT NULL,
	`read_count` integer DEFAULT 0 NOT NULL,
	`last_delivered_seq` integer DEFAULT 0 NOT NULL,
	`muted_until` integer,
	`archived` integer DEFAULT false NOT NULL,
	`pinned` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`conversation_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_members_user_idx` ON `conversation_members` (`user_id`,`archived`,`pinned`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`pair_key` text,
	`name` text,
	`avatar_media_id` text,
	`created_by` text NOT NULL,
	`member_count` integer DEFAULT 0 NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`message_count` integer DEFAULT 0 NOT NULL,
	`last_message_seq` integer,
	`last_message_sender_id` text,
	`last_message_preview` text,
	`last_message_at` integer,
	`last_activity_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_pair_unique` ON `conversations` (`pair_key`) WHERE pair_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `message_attachments` (
	`conversation_id` text NOT NULL,
	`media_id` text NOT NULL,
	`sender_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `media_id`)
);
--> statement-breakpoint
CREATE INDEX `message_attachments_media_idx` ON `message_attachments` (`media_id`);--> statement-breakpoint
CREATE INDEX `message_attachments_sender_idx` ON `message_attachments` (`sender_id`);--> statement-breakpoint
CREATE TABLE `presence` (
	`user_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`last_seen_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_actors` (
	`notification_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`notification_id`, `actor_id`)
);
--> statement-breakpoint
CREATE INDEX `notification_actors_recent_idx` ON `notification_actors` (`notification_id`,`at`);--> statement-breakpoint
CREATE INDEX `notification_actors_actor_idx` ON `notification_actors` (`actor_id`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`channels` text DEFAULT '{}' NOT NULL,
	`quiet_start` integer,
	`quiet_end` integer,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`digest` text DEFAULT 'WEEKLY' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`agg_key` text,
	`target_type` text,
	`target_id` text,
	`data` text NOT NULL,
	`event_count` integer DEFAULT 1 NOT NULL,
	`visible` integer DEFAULT true NOT NULL,
	`pending` integer DEFAULT 0 NOT NULL,
	`deliver_at` integer,
	`read_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_open_unique` ON `notifications` (`user_id`,`agg_key`);--> statement-breakpoint
CREATE INDEX `notifications_list_idx` ON `notifications` (`user_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`,`read_at`);--> statement-breakpoint
CREATE INDEX `notifications_pending_idx` ON `notifications` (`pending`,`deliver_at`);--> statement-breakpoint
CREATE INDEX `notifications_updated_idx` ON `notifications` (`updated_at`);--> statement-breakpoint
CREATE TABLE `push_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`p256dh` text NOT NULL,
	`auth` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_success_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_endpoint_unique` ON `push_subscriptions` (`endpoint`);--> statement-breakpoint
CREATE INDEX `push_subscriptions_user_idx` ON `push_subscriptions` (`user_id`);--> statement-breakpoint
CREATE TABLE `educations` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`school` text NOT NULL,
	`school_key` text NOT NULL,
	`degree` text,
	`field` text,
	`start_date` text,
	`end_date` text,
	`description` text,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `educations_user_idx` ON `educations` (`user_id`,`position`);--> statement-breakpoint
CREATE INDEX `educations_school_idx` ON `educations` (`school_key`);--> statement-breakpoint
CREATE TABLE `endorsements` (
	`skill_id` text NOT NULL,
	`endorser_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`skill_id`, `endorser_id`)
);
--> statement-breakpoint
CREATE INDEX `endorsements_endorser_idx` ON `endorsements` (`endorser_id`,`owner_id`);--> statement-breakpoint
CREATE INDEX `endorsements_owner_idx` ON `endorsements` (`owner_id`,`endorser_id`);--> statement-breakpoint
CREATE TABLE `experiences` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`company` text NOT NULL,
	`company_key` text NOT NULL,
	`location` text,
	`employment_type` text,
	`start_date` text NOT NULL,
	`end_date` text,
	`description` text,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `experiences_user_idx` ON `experiences` (`user_id`,`position`);--> statement-breakpoint
CREATE INDEX `experiences_company_idx` ON `experiences` (`company_key`);--> statement-breakpoint
CREATE TABLE `profile_views` (
	`viewed_id` text NOT NULL,
	`viewer_id` text NOT NULL,
	`day` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`viewed_id`, `viewer_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `profile_views_time_idx` ON `profile_views` (`viewed_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`headline` text,
	`about` text,
	`location` text,
	`website` text,
	`social_links` text DEFAULT '[]' NOT NULL,
	`translations` text DEFAULT '{}' NOT NULL,
	`certifications` text DEFAULT '[]' NOT NULL,
	`languages` text DEFAULT '[]' NOT NULL,
	`avatar_url` text,
	`banner_url` text,
	`visibility` text DEFAULT 'PUBLIC' NOT NULL,
	`show_activity_status` integer DEFAULT true NOT NULL,
	`allow_messages` text DEFAULT 'EVERYONE' NOT NULL,
	`show_email` integer DEFAULT false NOT NULL,
	`show_connections` integer DEFAULT true NOT NULL,
	`follower_count` integer DEFAULT 0 NOT NULL,
	`following_count` integer DEFAULT 0 NOT NULL,
	`connection_count` integer DEFAULT 0 NOT NULL,
	`view_count` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `skills` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`endorsement_count` integer DEFAULT 0 NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `skills_user_name_unique` ON `skills` (`user_id`,`name_key`);--> statement-breakpoint
CREATE INDEX `skills_name_idx` ON `skills` (`name_key`);--> statement-breakpoint
CREATE TABLE `user_preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`theme` text DEFAULT 'SYSTEM' NOT NULL,
	`feed_sort` text DEFAULT 'RELEVANCE' NOT NULL,
	`locale` text DEFAULT 'ar' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `saved_searches` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`type` text NOT NULL,
	`filters` text DEFAULT '{}' NOT NULL,
	`alert_frequency` text,
	`alert_since` integer,
	`alert_checked_at` integer,
	`alert_sent_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `saved_searches_user_idx` ON `saved_searches` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `saved_searches_alert_idx` ON `saved_searches` (`alert_frequency`,`alert_checked_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_id` text NOT NULL,
	`actor_role` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`reason` text,
	`request_id` text,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_time_idx` ON `audit_log` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `moderation_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`case_id` text,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`ended_at` integer,
	`ended_by` text
);
--> statement-breakpoint
CREATE INDEX `moderation_actions_user_idx` ON `moderation_actions` (`user_id`,`ended_at`);--> statement-breakpoint
CREATE INDEX `moderation_actions_expiry_idx` ON `moderation_actions` (`expires_at`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE TABLE `report_cases` (
	`id` text PRIMARY KEY NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`owner_id` text,
	`snapshot` text NOT NULL,
	`status` text DEFAULT 'OPEN' NOT NULL,
	`assigned_to` text,
	`report_count` integer DEFAULT 0 NOT NULL,
	`opened_at` integer NOT NULL,
	`resolved_by` text,
	`resolved_at` integer,
	`action_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_cases_open_target` ON `report_cases` (`target_type`,`target_id`) WHERE status = 'OPEN';--> statement-breakpoint
CREATE INDEX `report_cases_status_idx` ON `report_cases` (`status`,`opened_at`,`id`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`reporter_id` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`category` text NOT NULL,
	`details` text,
	`status` text DEFAULT 'OPEN' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_open_unique` ON `reports` (`reporter_id`,`target_type`,`target_id`) WHERE status = 'OPEN';--> statement-breakpoint
CREATE INDEX `reports_case_idx` ON `reports` (`case_id`);