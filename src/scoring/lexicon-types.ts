// The shapes of the lexicon shared by its loader, the matchers and the prebuilt file: one module
// with no code, so that none of them imports another to know them.
import type { AcTables } from './ac-tables.ts';
import type { Category, Lang, Severity } from './types.ts';

export interface LexiconEntry {
  /** The pattern line as written in the lexicon (shown in explanations). */
  term: string;
  lang: Lang;
  category: Category;
  severity: Severity;
  /** Counts only when aimed at someone (ambiguous words: "con", "crever", "idiot"). */
  needsTarget: boolean;
  /** Only in texts of its own language ("bite" is a French vulgarity and an English verb). */
  mono: boolean;
  /** No inflectional suffix allowed after the key. */
  exact: boolean;
  /** Counts only when predicated of a protected group ("migrants are vermin"): dehumanising nouns. */
  group: boolean;
  /** Also how friends arrange to meet ("we will find you there"): see meetingNotThreat(). */
  meet: boolean;
  /** A street word: counts only when it gives someone's home address (see addressGiven()). */
  address: boolean;
  /**
   * A harmless phrase that holds a listed word ("bad bitches", "chink in the armour", "une putain
   * de soirée"): it wins the longest-match choice over what it contains, then counts for nothing.
   */
  benign: boolean;
  /** A call to action ("à vous de jouer"): doxxing only when the post locates a person (calloutGiven()). */
  callout: boolean;
}

/** One normalised form of an entry: the automaton key and the minimum repeat counts of its letters. */
export interface Variant {
  /** The expanded surface form, shown as Match.term. */
  form: string;
  key: string;
  /** (index, minimum run) pairs for the key characters whose run is above 1, or null: most keys have none. */
  repeats: Uint16Array | null;
  entry: LexiconEntry;
}

export interface ParsedLexicon {
  entries: LexiconEntry[];
  variants: Variant[];
  errors: string[];
}

/** What the variants of a base matcher need beside their Variant objects. */
export interface PrebuiltAutomaton {
  tables: AcTables;
  /** Key id of each variant (keys numbered in order of first appearance). */
  keyOf: Int32Array;
  keys: readonly string[];
}

export interface BaseLexicon extends ParsedLexicon {
  /** SHA-256 of the lexicon files' bytes: part of the scorer version. */
  hash: string;
  /** The prebuilt automaton over these variants (see prebuilt.ts), or null: matchers build it. */
  automaton: PrebuiltAutomaton | null;
  /**
   * Where the variants came from: 'prebuilt', or why the file was not used ('missing', 'stale',
   * 'disabled', 'refused: …'), in which case they were expanded in process as before.
   */
  source: string;
}
