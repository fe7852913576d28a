CREATE TABLE `ledger_timestamps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ledger_id` integer NOT NULL,
	`ledger_hash` text NOT NULL,
	`authority` text NOT NULL,
	`token` blob NOT NULL,
	`gen_time` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ledger_timestamps_ledger` ON `ledger_timestamps` (`ledger_id`,`authority`);