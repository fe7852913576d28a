CREATE TABLE `person_channels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `person_channels_user` ON `person_channels` (`user_id`);--> statement-breakpoint
DROP INDEX `messages_recipient_key`;--> statement-breakpoint
ALTER TABLE `messages` ADD `channel` text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `channel_id` integer REFERENCES person_channels(id);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_recipient_channel_key` ON `messages` (`recipient_id`,`channel`,`dedupe_key`);--> statement-breakpoint
ALTER TABLE `recipients` ADD `user_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `users` ADD `digest` text;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_from` text;--> statement-breakpoint
ALTER TABLE `users` ADD `quiet_to` text;