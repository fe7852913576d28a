/**
 * Turns what a person typed into a safe FTS5 query: every word is quoted (so operators,
 * parentheses and quotes typed by the user are data, not syntax) and all words must match.
 * A trailing `*` on a word keeps prefix search.
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
      const core = (prefix ? w.slice(0, -1) : w).replace(/"/g, '""');
      return `"${core}"${prefix ? '*' : ''}`;
    })
    .join(' ');
}
