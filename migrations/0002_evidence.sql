CREATE TABLE `archives` (
	`post_id` integer PRIMARY KEY NOT NULL,
	`watch_id` text NOT NULL,
	`status` text NOT NULL,
	`job_id` text,
	`capture_url` text,
	`capture_timestamp` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`submitted_at` integer,
	`last_error` text,
	`status_ext` text,
	`requested_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_checked_at` integer,
	`deleted_upstream_at` integer,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `archives_status_next` ON `archives` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `archives_watch_status` ON `archives` (`watch_id`,`status`);--> statement-breakpoint
CREATE TABLE `evidence_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`watch_id` text NOT NULL,
	`post_id` integer,
	`actor` text NOT NULL,
	`data` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `evidence_events_post` ON `evidence_events` (`post_id`);--> statement-breakpoint
CREATE INDEX `evidence_events_watch` ON `evidence_events` (`watch_id`,`id`);--> statement-breakpoint
CREATE TABLE `wayback_pause` (
	`id` integer PRIMARY KEY NOT NULL,
	`until` integer NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE TABLE `wayback_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`post_id` integer
);
--> statement-breakpoint
CREATE INDEX `wayback_submissions_at` ON `wayback_submissions` (`at`);