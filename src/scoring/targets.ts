// Who an insult is aimed at: the second person near it, an imperative opening its sentence, a
// qualifier, article or copula that predicates it of a person ("sale con", "t'es une idiote",
// "elle est conne"), a list it is coordinated in; and when it is aimed at no one: the speaker, a
// pet or a thing ("I'm such an idiot", "a stupid mistake"). The word lists are data
// (lexicons/targets.tsv).
import { copulaBefore, GROUP, IMPERSONAL } from './groups.ts';
import { wordIn, wordInClause, type Words } from './words.ts';
import { loadWordLists } from './word-lists.ts';

// What each list holds, with examples, is written beside it in the data file.
const L = loadWordLists('targets.tsv');
export const SECOND = L.words('second');
export const IMPERATIVE = L.words('imperative');
const QUALIFIER = L.words('qualifier');
const DE_HEADS = L.words('de_head');
const ARTICLE = L.words('article');
const PREDICATE = L.words('predicate');
const PERSON_SUBJECT = L.words('person_subject');
const ADVERB = L.words('adverb');
const POSSESSIVE = L.words('possessive');
const PERSON_NOUN = L.words('person_noun');
const NP_END = L.words('np_end');
const PERSON_REFERENT = L.words('person_referent');
const COORD = L.words('coordinator');
// Lists that extend another, joined here so that a word added to the base list counts in both.
const CONJUNCT_LEAD = new Set([...ADVERB, ...L.words('conjunct_lead')]);
const VOCATIVE_LEAD = new Set([...SECOND, ...L.words('vocative_lead')]);
export const TITLE = L.words('title');
export const SELF = L.words('self');
const SELF_COPULA = L.words('self_copula');
const DEMONSTRATIVE = L.words('demonstrative');
const THING = L.words('thing');

/** A possessive right before the hit qualifies it only if the hit modifies a noun after it. */
function hitQualifiesNoun(w: Words, wj: number, clause: number): boolean {
  const next = wordInClause(w, wj + 1, clause);
  return next !== '' && !NP_END.has(next);
}

/**
 * Does the possessive at k make the sentence addressed to someone? Only when what it determines
 * is the insult itself used as a modifier ("your stupid face"), the person or their kin ("ta mère"),
 * or when it stands for "you're" ("your a loser", "your so dumb"); not "ton chien", "your argument".
 */
function possessiveTargets(w: Words, k: number, wi: number, wj: number): boolean {
  const next = w.words[k + 1] ?? '';
  if (k + 1 >= wi && k + 1 <= wj) return hitQualifiesNoun(w, wj, w.clause[wj] as number);
  if (ARTICLE.has(next) || ADVERB.has(next) || PERSON_NOUN.has(next)) return true;
  // "your fat stupid face": adjectives between the possessive and the hit.
  if (k + 2 >= wi && k + 2 <= wj && QUALIFIER.has(next))
    return hitQualifiesNoun(w, wj, w.clause[wj] as number);
  return false;
}

/**
 * A person is called the hit: after a qualifier ("sale con"), "de" after a head ("espèce de"), an
 * article after a predicate ("t'es un con"), or a bare predicate with a personal subject.
 */
export function thirdPerson(w: Words, wi: number, sentence: number, wj: number = wi): boolean {
  let k = wi - 1;
  const before = wordIn(w, k, sentence);
  if (POSSESSIVE.has(before)) return possessiveTargets(w, k, wi, wj);
  if (QUALIFIER.has(before)) return true;
  for (let skip = 0; skip < 2 && ADVERB.has(wordIn(w, k, sentence)); skip++) k--;
  const prev = wordIn(w, k, sentence);
  const prev2 = wordIn(w, k - 1, sentence);
  const prev3 = wordIn(w, k - 2, sentence);
  if (prev === 'de' || prev === 'd' || prev === 'of') return DE_HEADS.has(prev2);
  if (QUALIFIER.has(prev)) return true;
  if (ARTICLE.has(prev)) {
    if (!PREDICATE.has(prev2)) return false;
    // "c'est des cafards" is about a thing, unless a group or a person was named first: "les
    // migrants c'est des…", "ce streameur c'est un gros puceau", "@hugo c'est un…".
    if (!IMPERSONAL.has(prev3)) return true;
    const named = wordIn(w, k - 3, sentence);
    return GROUP.has(named) || PERSON_REFERENT.has(named) || w.handle[k - 3] === true;
  }
  // A bare predicate needs a personal subject: "elle est conne", "blacks are animals", not
  // "ce film est nul".
  if (PREDICATE.has(prev) && prev !== 'qu' && prev !== 'que')
    return PERSON_SUBJECT.has(prev2) || GROUP.has(prev2);
  return false;
}

/** A second-person word within reach of words wi..wj, in the same sentence. */
export function secondNear(w: Words, wi: number, wj: number, sentence: number, reach: number): boolean {
  for (let k = Math.max(0, wi - reach); k <= Math.min(w.words.length - 1, wj + reach); k++) {
    if (k >= wi && k <= wj) continue;
    if (w.sentence[k] !== sentence) continue;
    const word = w.words[k] as string;
    if (!SECOND.has(word)) continue;
    if (POSSESSIVE.has(word) && !possessiveTargets(w, k, wi, wj)) continue;
    return true;
  }
  return false;
}

const MAX_CONJUNCTS = 5;

/**
 * The conjunct this hit is coordinated with, if any: "you're a disgrace and a clown" → "disgrace",
 * "t'es une menteuse, une hypocrite" → "menteuse". Only when that conjunct is itself predicated of
 * a person (so "the match and the clown" stays apart). Returns -1 when there is none.
 */
export function coordinatedWith(w: Words, wi: number, sentence: number): number {
  let head = wi;

  for (let hop = 0; hop < MAX_CONJUNCTS; hop++) {
    let k = head - 1;
    for (let skip = 0; skip < 3 && CONJUNCT_LEAD.has(wordIn(w, k, sentence)); skip++) k--;
    const word = wordIn(w, k, sentence);
    if (word === '') return -1;
    // Coordinator word in the same clause, or a comma right before the conjunct ("X, une Y").
    let anchor: number;
    if (COORD.has(word) && w.clause[k] === w.clause[head]) anchor = k - 1;
    else if (w.clause[k] !== w.clause[k + 1]) anchor = k;
    else return -1;
    if (wordIn(w, anchor, sentence) === '') return -1;
    if (thirdPerson(w, anchor, sentence)) return anchor;
    // The anchor may itself be a later conjunct of a list: keep walking left.
    head = anchor;
  }
  return -1;
}

/** The hit's clause, up to its first word, speaks to someone. */
export function addressedInClause(w: Words, wi: number, clause: number): boolean {
  for (let k = wi; k >= 0 && w.clause[k] === clause; k--) {
    if (VOCATIVE_LEAD.has(w.words[k] as string)) return true;
  }
  return false;
}

/**
 * An insult alone in the last clause of a sentence that speaks to someone is a vocative: "you
 * should be locked up, psycho", "ferme-la, connard".
 */
export function trailingVocative(
  w: Words,
  wi: number,
  wj: number,
  sentence: number,
  clause: number,
): boolean {
  let addressed = false;
  for (let k = 0; k < w.words.length; k++) {
    if (w.sentence[k] !== sentence) continue;
    if (k >= wi && k <= wj) continue;
    if (w.clause[k] === clause || k > wj) return false; // not alone, or not the last clause
    if (SECOND.has(w.words[k] as string) || IMPERATIVE.has(w.words[k] as string)) addressed = true;
  }
  return addressed;
}

/** The word at k in the clause, past an article ("de la grippe", "of a flu"). */
function skipArticle(w: Words, k: number, clause: number): string {
  const word = wordInClause(w, k, clause);
  return ARTICLE.has(word) ? wordInClause(w, k + 1, clause) : word;
}

/**
 * The insult describes the speaker, a pet or a thing, not someone attacked: it qualifies a thing
 * noun right after it ("a stupid mistake"), or the subject of its copula is one ("my cat is such
 * an idiot", "I'm such an idiot", "je suis une idiote").
 */
export function notAboutAPerson(w: Words, wi: number, wj: number, sentence: number): boolean {
  const clause = w.clause[wj] as number;
  const next = wordInClause(w, wj + 1, clause);
  if (THING.has(next) || (ARTICLE.has(next) && THING.has(wordInClause(w, wj + 2, clause)))) return true;
  // "salope de grippe", "bitch of a flu": the insult qualifies a thing.
  if ((next === 'de' || next === 'd' || next === 'of') && THING.has(skipArticle(w, wj + 2, clause)))
    return true;
  // Self-mockery in one word: "jsuis vraiment un gros connard", "chui trop conne".
  for (let k = wi - 1; k >= Math.max(0, wi - 4) && w.clause[k] === clause; k--) {
    if (SELF_COPULA.has(w.words[k] as string) && w.handle[k] !== true) return true;
  }
  // A subject named after the fact: "elle est bête, cette série", "it's so dumb this game".
  if (DEMONSTRATIVE.has(next) && THING.has(w.words[wj + 2] ?? '')) return true;
  const k = copulaBefore(w, wi, sentence);
  if (k < 0) return false;
  const subject = wordIn(w, k - 1, sentence);
  return THING.has(subject) || SELF.has(subject);
}
