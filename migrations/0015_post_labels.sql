CREATE TABLE `post_labels` (
	`post_id` integer PRIMARY KEY NOT NULL,
	`watch_id` text NOT NULL,
	`category` text NOT NULL,
	`labelled_by` integer,
	`labelled_by_email` text NOT NULL,
	`labelled_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`labelled_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `post_labels_watch` ON `post_labels` (`watch_id`,`labelled_at`);