// Inflections allowed after a lexicon key, shared by the matcher (which checks them) and the
// pre-filter (which must never call a text clean when the matcher would accept a suffix).
import type { Lang } from './types.ts';

/** Plurals and common inflections, allowed after keys of 4+ characters that are not marked exact. */
export const SUFFIXES: Record<Lang, ReadonlySet<string>> = {
  fr: new Set(['s', 'x', 'e', 'es']),
  en: new Set(['s', 'es', 'ed', 'er', 'ers', 'ing', 'in', 'z']),
};

/** The longest suffix: a word running on further past a key is another word. */
export const MAX_SUFFIX = Math.max(
  ...Object.values(SUFFIXES).flatMap((set) => [...set].map((x) => x.length)),
);
