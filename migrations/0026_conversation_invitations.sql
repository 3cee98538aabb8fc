-- Group invitations (src/modules/conversations/invitations.ts). An admin adds their connections to a
-- group directly; anyone else is invited and becomes a member only by accepting. A row stays after it is
-- answered (ACCEPTED, DECLINED) so a declined invitation cannot be repeated for 30 days and the
-- inviter's daily quota counts every invitation sent. Rows older than 30 days are deleted as the same
-- inviter sends new ones, and with purged accounts.
CREATE TABLE `conversation_invitations` (
	`conversation_id` text NOT NULL,
	`user_id` text NOT NULL,
	`invited_by` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `user_id`)
);
CREATE INDEX `conversation_invitations_user_idx` ON `conversation_invitations` (`user_id`,`status`,`updated_at`);
CREATE INDEX `conversation_invitations_inviter_idx` ON `conversation_invitations` (`invited_by`,`created_at`);
