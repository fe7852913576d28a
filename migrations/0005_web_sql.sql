-- Triage list indexes: every index entry ends with the rowid, so (watch_id[, level][, score])
-- gives "newest first" (id desc) and "worst first" (score desc, id desc) keyset pages straight
-- from the index, without sorting, at any depth.
CREATE INDEX IF NOT EXISTS `posts_web_watch_id` ON `posts` (`watch_id`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `posts_web_watch_level_id` ON `posts` (`watch_id`, `level`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `posts_web_watch_score_id` ON `posts` (`watch_id`, `score`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `posts_web_watch_level_score_id` ON `posts` (`watch_id`, `level`, `score`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `posts_web_watch_author` ON `posts` (`watch_id`, `author_id`);
