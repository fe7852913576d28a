CREATE TABLE `authors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`handle` text,
	`name` text,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `authors_platform_external` ON `authors` (`platform`,`external_id`);--> statement-breakpoint
CREATE INDEX `authors_handle` ON `authors` (`handle`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`watch_id` text NOT NULL,
	`source_id` integer NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`url` text,
	`author_id` integer,
	`author_handle` text,
	`author_name` text,
	`text` text NOT NULL,
	`lang` text,
	`created_at` integer,
	`first_seen_at` integer NOT NULL,
	`raw` text NOT NULL,
	`raw_sha256` text NOT NULL,
	`score` integer,
	`level` text,
	`hostile` integer DEFAULT false NOT NULL,
	`categories` text,
	`matches` text,
	`targeted` integer,
	`scorer_version` text,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `posts_watch_platform_external` ON `posts` (`watch_id`,`platform`,`external_id`);--> statement-breakpoint
CREATE INDEX `posts_watch_seen` ON `posts` (`watch_id`,`first_seen_at`);--> statement-breakpoint
CREATE INDEX `posts_watch_score` ON `posts` (`watch_id`,`score`,`first_seen_at`);--> statement-breakpoint
CREATE INDEX `posts_watch_level_seen` ON `posts` (`watch_id`,`level`,`first_seen_at`);--> statement-breakpoint
CREATE INDEX `posts_author` ON `posts` (`author_id`);--> statement-breakpoint
CREATE INDEX `posts_scorer_version` ON `posts` (`scorer_version`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`watch_id` text NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`cursor` text,
	`state` text,
	`enabled` integer DEFAULT true NOT NULL,
	`last_poll_at` integer,
	`last_success_at` integer,
	`last_error_at` integer,
	`last_error` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`failing_since` integer,
	`last_warning` text,
	`last_warning_at` integer,
	FOREIGN KEY (`watch_id`) REFERENCES `watches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sources_watch_kind_target` ON `sources` (`watch_id`,`kind`,`target`);--> statement-breakpoint
CREATE TABLE `watches` (
	`id` text PRIMARY KEY NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`removed_at` integer
);
