// The matchers every scorer of the process shares: the base lexicon's automaton (prebuilt when the
// file is there) and the spelling matcher over the same variants, each built on first use.
import { loadBaseLexicon, type BaseLexicon } from './lexicon.ts';
import { baseTermMatcher, TermMatcher } from './term-matcher.ts';
import { loadGluePrefixes, loadOrdinaryWords, SpellingMatcher } from './spelling.ts';

export function baseLexicon(): BaseLexicon {
  return loadBaseLexicon();
}

let spellingMatcher: SpellingMatcher | null = null;
export function getSpellingMatcher(): SpellingMatcher {
  spellingMatcher ??= new SpellingMatcher(baseLexicon().variants, loadOrdinaryWords(), loadGluePrefixes());
  return spellingMatcher;
}

let baseMatcher: TermMatcher | null = null;
/** The base automaton: built on first use, then shared by every scorer of the process. */
export function getBaseMatcher(): TermMatcher {
  baseMatcher ??= baseTermMatcher(baseLexicon());
  return baseMatcher;
}
