-- The overview counts hostile posts (per day, not yet reviewed, in total): a partial index holds
-- only those, so the counts stay proportional to the hostile posts, not to every stored post.
CREATE INDEX IF NOT EXISTS `posts_web_hostile_seen` ON `posts` (`watch_id`, `first_seen_at`) WHERE `hostile` = 1;
