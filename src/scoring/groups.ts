// Group hate: an insult predicated of a whole protected group ("muslims are vermin", "les juifs
// sont des rats", "les migrants c'est des cafards") is hate, whatever the word's own category.
// The word lists are data (lexicons/groups.tsv).
import { wordAt, wordIn, type Words } from './words.ts';
import { loadWordLists } from './word-lists.ts';

const L = loadWordLists('groups.tsv');
// People named by a protected characteristic (religion, origin, gender, sexuality, gender identity).
export const GROUP = L.words('group');
const PEOPLE = L.words('people');
const IDENTITY = L.words('identity');
const GROUP_DETERMINER = L.words('group_determiner');
// Copulas proper: the word before one is the subject.
export const COPULA = L.words('copula');
// Copulas whose subject is a thing, not a person: "c'est con", "it's shit".
export const IMPERSONAL = L.words('impersonal');

/** The word at stream position p is predicated of a protected group (see groupSubject). */
export function predicatedOfGroup(w: Words, s: number, e: number): boolean {
  const wi = wordAt(w, s);
  const sentence = w.sentence[wi] as number;
  // Group entries start at their copula ("are animals", "c'est des cafards"): its subject decides.
  const wj = Math.max(wi, wordAt(w, e - 1));
  for (let k = wi; k <= wj; k++) if (COPULA.has(w.words[k] as string)) return groupSubjectOf(w, k, sentence);
  // Or at their verb ("control the media", "ont un QI plus bas"): the words before it are the subject.
  return groupSubject(w, wi, sentence) || groupSubjectOf(w, wi, sentence);
}

/** The insult is predicated of a protected group: "muslims are vermin", "les juifs sont des rats". */
export function groupSubject(w: Words, wi: number, sentence: number): boolean {
  const k = copulaBefore(w, wi, sentence);
  return k >= 0 && groupSubjectOf(w, k, sentence);
}

/** The nearest copula among the five words before word wi, in its sentence, or -1. */
export function copulaBefore(w: Words, wi: number, sentence: number): number {
  for (let k = wi - 1; k >= Math.max(0, wi - 5); k--) {
    if (w.sentence[k] !== sentence) return -1;
    if (COPULA.has(w.words[k] as string)) return k;
  }
  return -1;
}

/** The subject of the copula at k is a protected group, named directly or before "c'est". */
function groupSubjectOf(w: Words, k: number, sentence: number): boolean {
  // "les juifs ne sont que des…": the negative particle stands between the subject and the verb.
  const particle = wordIn(w, k - 1, sentence);
  const at = particle === 'ne' || particle === 'n' ? k - 1 : k;
  const subject = wordIn(w, at - 1, sentence);
  if (GROUP.has(subject) || identityPeople(subject, wordIn(w, at - 2, sentence))) return true;
  // "les migrants c'est des cafards", and with a complement: "les rebeus de ma cité c'est des…",
  // "muslims in this country are…": a determined group word a few words before the verb.
  const from = IMPERSONAL.has(subject) ? at - 2 : at - 1;
  for (let q = from; q >= Math.max(0, from - 4); q--) {
    const word = wordIn(w, q, sentence);
    if (word === '' || COPULA.has(word)) return false;
    if (!GROUP.has(word)) continue;
    const det = wordIn(w, q - 1, sentence);
    return q === from || det === '' || GROUP_DETERMINER.has(det);
  }
  return false;
}

/** "gay people" (adjective first) or "personnes trans" (noun first). */
function identityPeople(subject: string, before: string): boolean {
  return (PEOPLE.has(subject) && IDENTITY.has(before)) || (IDENTITY.has(subject) && PEOPLE.has(before));
}
