// The words of a normalised post, with where each sits: sentence, comma-clause, quotation, handle.
// Every context rule reads these; word lists are compared against them after the same folding.
import { FLAG_HANDLE, streamText, type Stream } from './normalize.ts';

/** Word lists are written in plain spelling; the stream has repeated letters collapsed. */
export function collapse(word: string): string {
  return word.replace(/(.)\1+/g, '$1');
}
export function wordSet(words: string[]): Set<string> {
  return new Set(words.map(collapse));
}

export interface Words {
  text: string;
  starts: number[];
  ends: number[];
  words: string[];
  /** Sentence index of each word ('|' breaks sentences). */
  sentence: number[];
  /** Comma-clause index of each word (',' and '|' break clauses). */
  clause: number[];
  /** Inside quotation marks. */
  quoted: boolean[];
  /** The word is (part of) an @handle. */
  handle: boolean[];
  hasMention: boolean;
}

export function splitWords(n: Stream): Words {
  const text = streamText(n);
  const w: Words = {
    text,
    starts: [],
    ends: [],
    words: [],
    sentence: [],
    clause: [],
    quoted: [],
    handle: [],
    hasMention: false,
  };
  let sentence = 0;
  let clause = 0;
  let quotes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 124) {
      sentence++;
      clause++;
      i++;
    } else if (c === 44) {
      clause++;
      i++;
    } else if (c === 34) {
      quotes++;
      i++;
    } else if (c === 32 || c === 35 || c === 64) {
      i++;
    } else {
      const s = i;
      while (i < text.length && !isSep(text.charCodeAt(i))) i++;
      w.starts.push(s);
      w.ends.push(i);
      w.words.push(text.slice(s, i));
      w.sentence.push(sentence);
      w.clause.push(clause);
      w.quoted.push(quotes % 2 === 1);
      const handle = ((n.flags[s] as number) & FLAG_HANDLE) !== 0;
      w.handle.push(handle);
      if (handle) w.hasMention = true;
    }
  }
  return w;
}

function isSep(c: number): boolean {
  return c === 32 || c === 124 || c === 44 || c === 34 || c === 35 || c === 64;
}

/** Word index containing stream position p (or the next word). */
export function wordAt(w: Words, p: number): number {
  let lo = 0;
  let hi = w.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((w.starts[mid] as number) <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Word k if it is in the given sentence, else ''. */
export function wordIn(w: Words, k: number, sentence: number): string {
  return k >= 0 && w.sentence[k] === sentence ? (w.words[k] as string) : '';
}

/** Word k if it is in the given comma-clause, else ''. */
export function wordInClause(w: Words, k: number, clause: number): string {
  return k >= 0 && k < w.words.length && w.clause[k] === clause ? (w.words[k] as string) : '';
}

/** Index of the word holding stream position p. */
export function wordIndex(w: Words, p: number): number {
  let k = 0;
  while (k + 1 < w.starts.length && (w.starts[k + 1] as number) <= p) k++;
  return k;
}
