CREATE TABLE `alert_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `alerted_posts` (
	`recipient_id` integer NOT NULL,
	`post_id` integer NOT NULL,
	`message_row_id` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_row_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerted_posts_recipient_post` ON `alerted_posts` (`recipient_id`,`post_id`);--> statement-breakpoint
CREATE INDEX `alerted_posts_post` ON `alerted_posts` (`post_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient_id` integer NOT NULL,
	`watch_id` text NOT NULL,
	`kind` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`message_id` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`unsubscribe_url` text,
	`status` text NOT NULL,
	`not_before` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`claimed_by` text,
	`claimed_at` integer,
	`period_start` integer,
	`period_end` integer,
	`transport` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`recipient_id`) REFERENCES `recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_recipient_key` ON `messages` (`recipient_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `messages_status` ON `messages` (`status`,`not_before`);--> statement-breakpoint
CREATE INDEX `messages_recipient_kind_created` ON `messages` (`recipient_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE TABLE `recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`watch_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`language` text NOT NULL,
	`digest` text NOT NULL,
	`alerts` integer NOT NULL,
	`all_clear` integer NOT NULL,
	`timezone` text NOT NULL,
	`quiet_from` text,
	`quiet_to` text,
	`digest_unsubscribed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`removed_at` integer,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recipients_watch_email` ON `recipients` (`watch_id`,`email`);--> statement-breakpoint
CREATE TABLE `waves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`watch_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`peak_at` integer NOT NULL,
	`peak_count` integer NOT NULL,
	`ended_at` integer,
	`count` integer NOT NULL,
	`top_categories` text NOT NULL,
	`baseline` real NOT NULL,
	`threshold` real NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waves_watch_start` ON `waves` (`watch_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `waves_watch_open` ON `waves` (`watch_id`,`ended_at`);