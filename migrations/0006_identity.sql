CREATE TABLE `identity_scans` (
	`watch_id` text NOT NULL,
	`kind` text NOT NULL,
	`last_run_at` integer NOT NULL,
	`last_error` text,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identity_scans_watch_kind` ON `identity_scans` (`watch_id`,`kind`);--> statement-breakpoint
CREATE TABLE `lookalikes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`watch_id` text NOT NULL,
	`platform` text NOT NULL,
	`account_id` text NOT NULL,
	`handle` text,
	`name` text,
	`reason` text NOT NULL,
	`similarity` real NOT NULL,
	`found_by` text NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`decided_at` integer,
	`notified_at` integer,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lookalikes_watch_account` ON `lookalikes` (`watch_id`,`platform`,`account_id`);--> statement-breakpoint
CREATE INDEX `lookalikes_watch_status` ON `lookalikes` (`watch_id`,`status`,`similarity`);--> statement-breakpoint
CREATE TABLE `watch_private` (
	`watch_id` text PRIMARY KEY NOT NULL,
	`blob` text NOT NULL,
	`key_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action
);
