// A light French and English stemmer for the search box: cuts the common inflexion and
// derivation endings so a search finds the other forms of a word through an FTS5 prefix query
// ("suicide" → suicid* finds "se suicider", "harceler" → harcel* finds "harcèlement"). It works
// on the query only: the index keeps whole words, so nothing is rebuilt and an exact word still
// matches itself.

/** Longest endings first; each cut must leave at least MIN_STEM letters. */
// prettier-ignore
const ENDINGS = [
  // French
  'issements', 'issement', 'issantes', 'issante', 'issants', 'issant', 'atrices', 'atrice', 'ateurs',
  'ateur', 'ations', 'ation', 'ements', 'ement', 'euses', 'euse', 'eurs', 'eur', 'ismes', 'isme',
  'istes', 'iste', 'ables', 'able', 'ances', 'ance', 'ences', 'ence', 'ités', 'ité', 'ives', 'ive',
  'ifs', 'if', 'aient', 'erons', 'eront', 'erez', 'erai', 'eras', 'era', 'ions', 'iez', 'ait',
  'ant', 'ants', 'antes', 'ante', 'ées', 'ée', 'és', 'er', 'ez', 'ent', 'es', 'é', 'e', 's',
  // English
  'ations', 'ation', 'ments', 'ment', 'ings', 'ing', 'ness', 'ers', 'ies', 'ied', 'ed', 'ly', 'y',
].sort((a, b) => b.length - a.length);

const MIN_STEM = 4;
/** Words this short are searched as typed: their stem would match too much. */
const MIN_WORD = 5;

const fold = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const FOLDED_ENDINGS = [...new Set(ENDINGS.map(fold))].sort((a, b) => b.length - a.length);

/** The stem of one word (lower case, accents removed), or null when the word is searched as typed. */
export function searchStem(word: string): string | null {
  const w = fold(word);
  if (w.length < MIN_WORD || !/^\p{L}+$/u.test(w)) return null;
  for (const e of FOLDED_ENDINGS) {
    if (w.endsWith(e) && w.length - e.length >= MIN_STEM) {
      let stem = w.slice(0, -e.length);
      // "harcell-" / "appell-": French doubles a consonant in some forms ("harcelle").
      if (/(ll|tt|nn)$/.test(stem) && stem.length - 1 >= MIN_STEM) stem = stem.slice(0, -1);
      return stem;
    }
  }
  return w;
}
