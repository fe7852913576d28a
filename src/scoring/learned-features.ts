// The features a learned weight can be attached to: normalised words, pairs of adjacent words and
// the heads of long words (the same normalisation as the lexicon's, so "c0nnn4rd" and "connard"
// are one feature). Offsets point into the original text, so a verdict of the learned layer names
// the words that made it, like a lexicon hit.
import type { Stream } from './normalize.ts';
import { GROUP, type Words } from './context.ts';
import { loadWordLists } from './word-lists.ts';

const LISTS = loadWordLists('learned-features.tsv');

/**
 * Words that name a group of people are no evidence on their own: posts about women, Muslims or
 * migrants are mostly harmless, but the hateful ones a corpus labels are about them too, so a
 * weight learned on the bare word would flag "women deserve respect". They only count in pairs
 * ("women are"), where the context is part of the feature.
 */
const IDENTITY = new Set<string>([...GROUP, ...LISTS.words('identity')]);

export interface FeatureSpans {
  keys: string[];
  /** Original offsets (UTF-16, end exclusive) of each key. */
  starts: number[];
  ends: number[];
}

/**
 * Function words carry no hostility of their own; a weight learned on them ("you", "to", "me")
 * only echoes how one corpus was collected, and would make explanations that explain nothing.
 */
const FUNCTION_WORDS = LISTS.words('function');

/** Words longer than this are not features: nobody learns a weight for a 1 MB token. */
const MAX_WORD = 40;
const STEM = 5;

/** Adds the word and word-pair features of a post. `n` must be the stream `w` was split from. */
export function wordFeatures(n: Stream, w: Words, out: FeatureSpans): void {
  let prev = -1;
  for (let k = 0; k < w.words.length; k++) {
    const word = w.words[k] as string;
    if (w.handle[k] || word.length > MAX_WORD) {
      prev = -1;
      continue;
    }
    const s = n.start[w.starts[k] as number] as number;
    const e = n.end[(w.ends[k] as number) - 1] as number;
    const identity = IDENTITY.has(word);
    if (!identity && !FUNCTION_WORDS.has(word)) {
      out.keys.push(word);
      out.starts.push(s);
      out.ends.push(e);
    }
    // The head of a long word stands for its inflections and its misspellings' common part
    // ("suicider", "suicidez", "suicidee" share "suici~").
    if (word.length > STEM && !identity && !IDENTITY.has(word.slice(0, STEM))) {
      out.keys.push(`${word.slice(0, STEM)}~`);
      out.starts.push(s);
      out.ends.push(e);
    }
    if (prev >= 0 && w.sentence[prev] === w.sentence[k]) {
      out.keys.push(`${w.words[prev] as string} ${word}`);
      out.starts.push(n.start[w.starts[prev] as number] as number);
      out.ends.push(e);
    }
    prev = k;
  }
}
