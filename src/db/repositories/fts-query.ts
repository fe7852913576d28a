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
  throw new Error('full-text search on PostgreSQL: not built yet');
}
