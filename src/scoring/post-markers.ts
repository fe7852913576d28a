// Post-wide markers that soften an insult: counter-speech ("inacceptable", "solidarité", "reported")
// and affection ("t'es con, je t'adore", "you're so dumb I love you"). The word lists are data
// (lexicons/reported-speech.tsv).
import type { Words } from './words.ts';
import { loadWordLists } from './word-lists.ts';

const L = loadWordLists('reported-speech.tsv');
// Words anywhere in the text that mark support or denunciation rather than attack.
const COUNTER_WORDS = L.words('counter_word');
const AFFECTION = L.phrases('affection');

const AFFECTION_BY_FIRST = new Map<string, string[][]>();
for (const phrase of AFFECTION) {
  const first = phrase[0] as string;
  AFFECTION_BY_FIRST.set(first, [...(AFFECTION_BY_FIRST.get(first) ?? []), phrase]);
}

/** Post-wide markers, found in one pass over the words (see postMarkers). */
export const COUNTER_MARK = 1;
export const AFFECTION_MARK = 2;

/** COUNTER_MARK when a word marks support or denunciation, AFFECTION_MARK when affection is expressed. */
export function postMarkers(w: Words): number {
  let marks = 0;
  for (let k = 0; k < w.words.length && marks !== (COUNTER_MARK | AFFECTION_MARK); k++) {
    const word = w.words[k] as string;
    if (COUNTER_WORDS.has(word)) marks |= COUNTER_MARK;
    const phrases = AFFECTION_BY_FIRST.get(word);
    if (phrases === undefined) continue;
    for (const phrase of phrases) {
      let ok = k + phrase.length <= w.words.length;
      for (let c = 1; c < phrase.length && ok; c++) ok = w.words[k + c] === phrase[c];
      if (ok) marks |= AFFECTION_MARK;
    }
  }
  return marks;
}
