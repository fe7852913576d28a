// Negation: "t'es pas conne", "you're not an idiot", "don't be a bitch" deny the insult; "pas
// que" restricts it, and a condition ("si t'étais pas si conne") takes it for true. The word lists
// are data (lexicons/negation.tsv).
import type { Words } from './words.ts';
import { loadWordLists } from './word-lists.ts';

const L = loadWordLists('negation.tsv');
const NEGATION = L.words('negation');
// "pas que", "not only": restriction, not negation; "can't wait to": eagerness.
const NEG_BREAKERS = L.words('restriction');
const STATEMENT_VERB = L.words('statement_verb');
// Only these make "t" a negation ("don t", "weren t").
const NT_STEM = L.words('nt_stem');
const CONDITION = L.words('condition');
const RETORT = L.words('retort');
const RETORT_ADDRESS = L.words('retort_address');

/** The negation at k sits in a condition that opens its clause (within three words). */
function counterfactual(w: Words, k: number, clause: number): boolean {
  for (let q = k - 1; q >= Math.max(0, k - 4) && w.clause[q] === clause; q--) {
    if (CONDITION.has(w.words[q] as string)) return true;
  }
  return false;
}

/** A negation among the four words before word wi, in its clause, denies it. */
export function negatedBefore(w: Words, wi: number, clause: number): boolean {
  for (let k = wi - 1; k >= Math.max(0, wi - 4) && w.clause[k] === clause; k--) {
    const word = w.words[k] as string;
    const isNeg =
      NEGATION.has(word) ||
      (word === 't' && k > 0 && NT_STEM.has(w.words[k - 1] as string) && w.clause[k - 1] === clause);
    if (isNeg) {
      const after = w.words[k + 1] ?? '';
      if (RETORT.has(word) && RETORT_ADDRESS.has(after)) return false;
      // "pas que" restricts ("t'es pas qu'une idiote"), except after a verb of saying or thinking:
      // "je dis pas que t'es nul" denies the whole statement.
      const denied = NEG_BREAKERS.has(after) && STATEMENT_VERB.has(w.words[k - 1] ?? '');
      return (!NEG_BREAKERS.has(after) || denied) && !counterfactual(w, k, clause);
    }
  }
  return false;
}
