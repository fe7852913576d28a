import { cutText } from '../../text/cut.ts';

export { cutText };

// Attacker-written text has no length limit (a post can be one 1 MB "word"): lists show an
// excerpt, the post page a longer one, and its "show all" link the whole text. Nothing is cut
// from what is stored or exported.

/** Characters of post text a list shows. */
export const LIST_TEXT_CHARS = 1_000;
/** Characters of post text (and of the raw payload) the post page shows before "show all". */
export const PAGE_TEXT_CHARS = 20_000;
/** Characters of an author's handle or name shown anywhere but the whole post. */
export const NAME_CHARS = 200;

interface Excerptable {
  text: string;
  matches: unknown;
  authorHandle: string | null;
  authorName: string | null;
}

/**
 * The row with its text cut to `max` characters (matches past the cut dropped, the one across it
 * clipped) and its author names cut to NAME_CHARS; `truncated` and `textLength` say what was left out.
 */
export function excerptRow<T extends Excerptable>(
  row: T,
  max: number,
): T & { truncated: boolean; textLength: number } {
  const text = cutText(row.text, max);
  const truncated = text !== row.text;
  const kept = truncated ? text.length - 1 : text.length;
  const matches = Array.isArray(row.matches)
    ? row.matches
        .filter((m: { start?: unknown }) => typeof m?.start === 'number' && m.start < kept)
        .map((m: { end?: unknown }) => (typeof m.end === 'number' && m.end > kept ? { ...m, end: kept } : m))
    : row.matches;
  return {
    ...row,
    text,
    matches,
    authorHandle: row.authorHandle === null ? null : cutText(row.authorHandle, NAME_CHARS),
    authorName: row.authorName === null ? null : cutText(row.authorName, NAME_CHARS),
    truncated,
    textLength: row.text.length,
  };
}
