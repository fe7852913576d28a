-- Full-text index over post text and author names. unicode61 with remove_diacritics 2 makes
-- "elodie" find "Élodie". External-content table kept in step by triggers.
CREATE VIRTUAL TABLE `posts_fts` USING fts5(
	`text`, `author_handle`, `author_name`,
	content='posts', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `posts_fts_ai` AFTER INSERT ON `posts` BEGIN
	INSERT INTO posts_fts(rowid, text, author_handle, author_name) VALUES (new.id, new.text, new.author_handle, new.author_name);
END;
--> statement-breakpoint
CREATE TRIGGER `posts_fts_ad` AFTER DELETE ON `posts` BEGIN
	INSERT INTO posts_fts(posts_fts, rowid, text, author_handle, author_name) VALUES ('delete', old.id, old.text, old.author_handle, old.author_name);
END;
--> statement-breakpoint
CREATE TRIGGER `posts_fts_au` AFTER UPDATE OF `text`, `author_handle`, `author_name` ON `posts` BEGIN
	INSERT INTO posts_fts(posts_fts, rowid, text, author_handle, author_name) VALUES ('delete', old.id, old.text, old.author_handle, old.author_name);
	INSERT INTO posts_fts(rowid, text, author_handle, author_name) VALUES (new.id, new.text, new.author_handle, new.author_name);
END;
