// Context rules that decide whether a threat or a doxxing phrase is one: a meeting between friends
// ("on va te retrouver au resto"), trash talk in a game ("destroy you in smash"), a figure of speech
// about one's own kin ("je vais le tuer mon frère"), a street named as a place rather than as
// someone's home. The word lists are data (lexicons/threat-context.tsv).
import { SELF } from './targets.ts';
import { wordAt, wordIn, wordInClause, type Words } from './words.ts';
import { loadWordLists } from './word-lists.ts';

const L = loadWordLists('threat-context.tsv');

// After "on va te retrouver" / "we will find you", words that make it a threat, not a meeting.
const MENACE_PLACE = L.words('menace_place');

/**
 * A meeting phrase ("on va te retrouver au resto", "we will find you there") followed by an
 * ordinary complement is no threat. Alone, or followed by home, family, work, "wherever you are",
 * or another hit in its clause, it stays one.
 */
export function meetingNotThreat(
  w: Words,
  hit: { s: number; e: number },
  hits: readonly { s: number }[],
): boolean {
  const wj = wordAt(w, hit.e - 1);
  const clause = w.clause[wj] as number;
  let next = 0;
  for (let k = wj + 1; k < w.words.length && k <= wj + 6 && w.clause[k] === clause; k++) {
    if (MENACE_PLACE.has(w.words[k] as string)) return false;
    next++;
  }
  if (next === 0) return false;
  for (const other of hits) if (other.s >= hit.e && w.clause[wordAt(w, other.s)] === clause) return false;
  return true;
}

// Games and matches: a threat played out in one is trash talk ("I'm gonna destroy you in smash",
// "je vais te défoncer à FIFA", "murder you at chess").
const GAME_LEAD = L.words('game_lead');
const GAME = L.words('game');
// One's own family or friends after a threat make it a figure of speech: "je vais le tuer mon
// frère, il a fini le Nutella". Their possessive must be the speaker's ("ton frère" stays a threat).
const OWN = L.words('own');
const KIN = L.words('kin');

/** A threat made in a game ("destroy you in smash") or at one's own kin ("je vais le tuer mon frère"). */
export function playfulThreat(w: Words, e: number): boolean {
  const wj = wordAt(w, e - 1);
  const clause = w.clause[wj] as number;
  for (let k = wj + 1; k <= wj + 4; k++) {
    const word = wordInClause(w, k, clause);
    if (word === '') return false;
    if (GAME_LEAD.has(word)) {
      for (let q = k + 1; q <= k + 3; q++) if (GAME.has(wordInClause(w, q, clause))) return true;
    }
    if (OWN.has(word) && KIN.has(wordInClause(w, k + 1, clause))) return k === wj + 1;
  }
  return false;
}

// Doxxing by address: a street word counts when it follows a verb of dwelling ("elle habite rue…",
// "lives on Maple Ave") or a house number in a post that speaks of a home ("found your address,
// 14 Elm Street"). "Brocante au 14 rue des Lilas" gives a place, not someone's home.
const DWELL = L.words('dwell');
const HOME = new Set([...DWELL, ...L.words('home')]);
const HOUSE_NUMBER = /^[0-9]{1,4}[a-z]?$/;

/** The street word at stream position s gives someone's home address (not the speaker's own). */
export function addressGiven(w: Words, s: number): boolean {
  const wi = wordAt(w, s);
  const sentence = w.sentence[wi] as number;
  for (let k = wi - 1; k >= Math.max(0, wi - 4) && w.sentence[k] === sentence; k--) {
    if (DWELL.has(w.words[k] as string)) return !SELF.has(wordIn(w, k - 1, sentence));
  }
  let numbered = false;
  for (let k = wi - 1; k >= Math.max(0, wi - 3) && w.sentence[k] === sentence && !numbered; k--) {
    numbered = HOUSE_NUMBER.test(w.words[k] as string);
  }
  if (!numbered) return false;
  // Someone else's home: the post speaks of one and names a person ("found your address, 14 Elm
  // Street"), not a business announcing its own ("notre atelier déménage : nouvelle adresse…").
  let home = false;
  let person = w.hasMention;
  for (let k = 0; k < w.words.length && !(home && person); k++) {
    const word = w.words[k] as string;
    if (HOME.has(word) && !SELF.has(w.words[k - 1] ?? '')) home = true;
    if (SOMEONE.has(word)) person = true;
  }
  return home && person;
}
// Second- and third-person words: the address is someone's.
const SOMEONE = L.words('someone');

// A call to action ("à vous de jouer", "faites tourner", "you know what to do") is a doxxing call
// when the post also locates a person: where they live, work or study, their street, car or plate.
// "Chat perdu, faites tourner" locates no one; "elle bosse à la pharmacie de Roubaix, à vous de
// jouer" does.
const LOCATOR = new Set([...DWELL, ...L.words('locator')]);
const PERSON_MARK = L.words('person_mark');

/** The post locates a person: a handle or a third-person word, and where they live, work or study. */
export function calloutGiven(w: Words): boolean {
  let located = false;
  let person = w.hasMention;
  for (let k = 0; k < w.words.length && !(located && person); k++) {
    const word = w.words[k] as string;
    if (LOCATOR.has(word)) located = true;
    else if (PERSON_MARK.has(word)) person = true;
  }
  return located && person;
}
