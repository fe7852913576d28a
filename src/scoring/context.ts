// Who is the abuse aimed at, and is it really the speaker's? Looks at the words around each hit:
// second person, imperatives, @mentions and the watched person's names raise it; negation,
// quotation and reporting frames ("il m'a traité de …", "stop calling her …") lower it.
//
// Each concern has its own module and word lists (lexicons/*.tsv): targets.ts (who is addressed
// or named), groups.ts (predicated of a protected group), negation.ts, reported-speech.ts,
// post-markers.ts (counter-speech and affection anywhere in the post). This composes them.
import { groupSubject } from './groups.ts';
import { negatedBefore } from './negation.ts';
import { reportOf } from './reported-speech.ts';
import {
  coordinatedWith,
  IMPERATIVE,
  notAboutAPerson,
  SECOND,
  secondNear,
  thirdPerson,
  TITLE,
  trailingVocative,
} from './targets.ts';
import { wordAt, type Words } from './words.ts';

// Other scoring modules import these from here.
export { collapse, splitWords, wordAt, wordIn, wordInClause, wordSet, type Words } from './words.ts';
export { GROUP, predicatedOfGroup } from './groups.ts';
export { SELF } from './targets.ts';
export { AFFECTION_MARK, COUNTER_MARK, postMarkers } from './post-markers.ts';

export interface HitContext {
  /** Aimed at someone: second person, imperative, @mention, watched name. */
  second: boolean;
  /** A person is named as this (determiner/qualifier/copula before the term). */
  third: boolean;
  negated: boolean;
  /** Quoted or introduced by a reporting/counter-speech frame. */
  reported: boolean;
  /** Reported by the person it was said to ("il m'a traitée de …", "he called me …"): aimed at nobody. */
  selfReport: boolean;
  /** Predicated of a protected group ("muslims are vermin"): hate, whatever the word's category. */
  group: boolean;
  /** About the speaker, a pet or a thing ("I'm such a dumbass", "salope de grippe"). */
  aboutNoOne: boolean;
  /** A surname after a title ("M. Conard", "Mr Dick"). */
  surname: boolean;
}

export function hitContext(
  w: Words,
  s: number,
  e: number,
  nameSentences: ReadonlySet<number>,
  needsTarget: boolean,
): HitContext {
  const wi = wordAt(w, s);
  const wj = Math.max(wi, wordAt(w, e - 1));
  const sentence = w.sentence[wi] as number;
  const clause = w.clause[wi] as number;
  let second = w.hasMention || nameSentences.has(sentence);
  // Ambiguous words ("nul", "con") need the second person close by; clear abuse, anywhere near.
  const reach = needsTarget ? 4 : 6;
  if (!second) second = secondNear(w, wi, wj, sentence, reach);
  // A phrase that holds its own address: "t'es débile", "ta gueule", "you're a joke".
  for (let k = wi; k <= wj && !second; k++) if (SECOND.has(w.words[k] as string)) second = true;
  if (!second) {
    // A sentence that is little more than the insult is a vocative ("Connard !", "Idiot.").
    let count = 0;
    for (let k = 0; k < w.words.length; k++) if (w.sentence[k] === sentence) count++;
    if (count - (wj - wi + 1) <= 1) second = true;
  }
  if (!second) {
    let first = wi;
    while (first > 0 && w.sentence[first - 1] === sentence) first--;
    if (first < wi && IMPERATIVE.has(w.words[first] as string)) second = true;
  }
  if (!second && trailingVocative(w, wi, wj, sentence, clause)) second = true;
  let third = thirdPerson(w, wi, sentence, wj);
  if (!third || !second) {
    // A coordinated conjunct shares its target: "you're a disgrace and a clown".
    const anchor = coordinatedWith(w, wi, sentence);
    if (anchor >= 0) {
      third = true;
      if (!second) second = secondNear(w, anchor, anchor, sentence, reach);
    }
  }
  const group = third && groupSubject(w, wi, sentence);
  // A word that needs a target finds none in the speaker, a pet or a thing ("ton chien est con" is
  // handled by the possessive rule; "my cat is such an idiot", "a stupid mistake" here).
  const aboutNoOne = notAboutAPerson(w, wi, wj, sentence);
  if (needsTarget && aboutNoOne) {
    second = false;
    third = false;
  }
  // Not the tail of a handle cut at '_' ("@julie_m t'es une idiote").
  const surname = TITLE.has(w.words[wi - 1] ?? '') && w.handle[wi - 1] !== true && w.handle[wi - 2] !== true;
  const negated = negatedBefore(w, wi, clause);
  const { reported, selfReport } = reportOf(w, wi, sentence, clause);
  return { second, third, negated, reported, selfReport, group, aboutNoOne, surname };
}
