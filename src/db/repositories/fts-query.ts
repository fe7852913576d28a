import { sql, type Column, type SQL } from 'drizzle-orm';
import type { Store } from '../store.ts';
import { searchStem } from './search-stem.ts';

/**
 * Turns what a person typed into a safe FTS5 query: every word is quoted (so operators,
 * parentheses and quotes typed by the user are data, not syntax) and all words must match.
 * A word of letters is searched by its stem as a prefix, so other forms of it match too
 * ("suicide" finds "se suicider"); a trailing `*` on a word keeps an explicit prefix search.
 */
export function ftsQuery(input: string): string {
  const words = input
    .normalize('NFKC')
    .split(/[\s]+/u)
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 0) return '""';
  return words
    .map((w) => {
      const prefix = w.endsWith('*') && w.length > 1;
      if (prefix) return `"${w.slice(0, -1).replace(/"/g, '""')}"*`;
      const stem = searchStem(w);
      return stem ? `"${stem}"*` : `"${w.replace(/"/g, '""')}"`;
    })
    .join(' ');
}

/**
 * The condition "this post matches what the person typed", in the store's dialect: FTS5 on
 * SQLite (migration 0001), a text-search vector on PostgreSQL. `postId` is the post id column.
 */
export function postSearchCondition(store: Pick<Store, 'dialect'>, postId: SQL | Column, input: string): SQL {
  if (store.dialect === 'sqlite')
    return sql`${postId} in (select rowid from posts_fts where posts_fts match ${ftsQuery(input)})`;
  return sql`${postId} in (select id from posts where posts_search_vector(text, author_handle, author_name) @@ (${pgTsQuery(input)}))`;
}

/**
 * The PostgreSQL form of `ftsQuery`: one tsquery per typed word, all required. Each word goes
 * through the same parser and unaccent as the indexed text (posts_search_vector, migrations-pg
 * 0001) as bound data, so operators typed by the person are never tsquery syntax; a stem or an
 * explicit `word*` becomes a prefix of the word's last lexeme. A word with no letters or digits
 * is dropped by PostgreSQL, as FTS5 drops it.
 */
export function pgTsQuery(input: string): SQL {
  const words = input
    .normalize('NFKC')
    .split(/[\s]+/u)
    .map((w) => w.trim())
    .filter(Boolean);
  // No word: a query that matches nothing, as FTS5's '""'.
  if (words.length === 0) return sql`'' :: tsquery`;
  const parts = words.map((w) => {
    const explicitPrefix = w.endsWith('*') && w.length > 1;
    const stem = explicitPrefix ? null : searchStem(w);
    if (!explicitPrefix && stem === null) return sql`phraseto_tsquery('simple', vigie_unaccent(${w}))`;
    // Punctuation inside a prefix word separates lexemes, as it does in the indexed text.
    const text = explicitPrefix ? w.slice(0, -1).replace(/[^\p{L}\p{N}]+/gu, ' ') : stem!;
    return sql`vigie_prefix_tsquery(phraseto_tsquery('simple', vigie_unaccent(${text})))`;
  });
  return sql.join(parts, sql` && `);
}
