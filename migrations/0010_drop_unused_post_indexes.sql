DROP INDEX `posts_watch_score`;--> statement-breakpoint
DROP INDEX `posts_watch_level_seen`;--> statement-breakpoint
DROP INDEX `posts_scorer_version`;