-- What the SQLite migrations do by hand, for PostgreSQL.

-- Full-text search over post text and author names (SQLite: FTS5 in 0001). unaccent makes
-- "elodie" find "Élodie"; it is a trusted extension, so the database owner may create it.
-- unaccent() is only STABLE (it reads its dictionary through the search path): an index needs an
-- IMMUTABLE function, so the dictionary is named explicitly in a wrapper.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE FUNCTION vigie_unaccent(input text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
	AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, input) $$;
--> statement-breakpoint
-- The searchable words of a post: 'simple' keeps every word as written (lower case, no stemming,
-- no stop words: French and English alike); the query side cuts stems itself (search-stem.ts).
CREATE FUNCTION posts_search_vector(body text, author_handle text, author_name text) RETURNS tsvector
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT to_tsvector('simple'::regconfig, vigie_unaccent(coalesce(body, '') || ' ' || coalesce(author_handle, '') || ' ' || coalesce(author_name, ''))) $$;
--> statement-breakpoint
CREATE INDEX posts_search ON posts USING gin (posts_search_vector(text, author_handle, author_name));
--> statement-breakpoint

-- The custody ledger is append-only (SQLite: triggers in 0003): UPDATE, DELETE and TRUNCATE are
-- refused by the database itself. `vigie ledger verify` still checks the hash chain.
CREATE FUNCTION evidence_events_refuse_change() RETURNS trigger
	LANGUAGE plpgsql
	AS $$ BEGIN RAISE EXCEPTION 'evidence_events is append-only: % refused', TG_OP; END $$;
--> statement-breakpoint
CREATE TRIGGER evidence_events_no_update BEFORE UPDATE ON evidence_events
	FOR EACH ROW EXECUTE FUNCTION evidence_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_events_no_delete BEFORE DELETE ON evidence_events
	FOR EACH ROW EXECUTE FUNCTION evidence_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_events_no_truncate BEFORE TRUNCATE ON evidence_events
	FOR EACH STATEMENT EXECUTE FUNCTION evidence_events_refuse_change();
--> statement-breakpoint

-- Triage list indexes (SQLite: 0005, where every index entry ends with the rowid): the id is named
-- here, so "newest first" and "worst first" keyset pages come straight from the index.
CREATE INDEX posts_web_watch_id ON posts (watch_id, id);
--> statement-breakpoint
CREATE INDEX posts_web_watch_level_id ON posts (watch_id, level, id);
--> statement-breakpoint
CREATE INDEX posts_web_watch_score_id ON posts (watch_id, score, id);
--> statement-breakpoint
CREATE INDEX posts_web_watch_level_score_id ON posts (watch_id, level, score, id);
--> statement-breakpoint
CREATE INDEX posts_web_watch_author ON posts (watch_id, author_id);
--> statement-breakpoint
-- The overview counts hostile posts only (SQLite: 0008): a partial index holds just those.
CREATE INDEX posts_web_hostile_seen ON posts (watch_id, first_seen_at) WHERE hostile;
--> statement-breakpoint
-- A typed word searched as a prefix: its last lexeme matches any word starting with it. The
-- tsquery's own text form quotes every lexeme, so nothing typed becomes an operator.
CREATE FUNCTION vigie_prefix_tsquery(q tsquery) RETURNS tsquery
	LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
	AS $$ SELECT CASE WHEN numnode(q) = 0 THEN q ELSE (q::text || ':*')::tsquery END $$;
