CREATE TABLE `capture_health` (
	`id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`message` text,
	`browser_path` text,
	`browser_version` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`paused_until` integer,
	`last_success_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `captures` (
	`post_id` integer PRIMARY KEY NOT NULL,
	`watch_id` text NOT NULL,
	`status` text NOT NULL,
	`method` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`requested_url` text,
	`final_url` text,
	`http_status` integer,
	`started_at` integer,
	`finished_at` integer,
	`dir` text,
	`files` text,
	`ledger_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `captures_status_next` ON `captures` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `captures_watch_status` ON `captures` (`watch_id`,`status`);