-- The custody ledger is append-only: any UPDATE or DELETE is refused by the database itself,
-- whatever code (or person with a SQLite shell) tries it. `vigie ledger verify` still checks the
-- hash chain, which also catches a tamper made after dropping these triggers.
CREATE TRIGGER `evidence_events_no_update` BEFORE UPDATE ON `evidence_events` BEGIN
	SELECT RAISE(ABORT, 'evidence_events is append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `evidence_events_no_delete` BEFORE DELETE ON `evidence_events` BEGIN
	SELECT RAISE(ABORT, 'evidence_events is append-only: DELETE refused');
END;
