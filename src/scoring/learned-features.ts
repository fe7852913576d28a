// The features a learned weight can be attached to: normalised words and pairs of adjacent words
// (the same normalisation as the lexicon's, so "c0nnn4rd" and "connard" are one feature), plus
// what the rules concluded (categories, level, aimed at someone), so that the learned layer can
// weigh the rules' verdict against the words around it. Offsets point into the original text, so
// a verdict of the learned layer names the words that made it, like a lexicon hit.
import type { Stream } from './normalize.ts';
import { collapse, GROUP, type Words } from './context.ts';

/**
 * Words that name a group of people are no evidence on their own: posts about women, Muslims or
 * migrants are mostly harmless, but the hateful ones a corpus labels are about them too, so a
 * weight learned on the bare word would flag "women deserve respect". They only count in pairs
 * ("women are"), where the context is part of the feature.
 */
const IDENTITY = new Set<string>([
  ...GROUP,
  ...[
    'women',
    'woman',
    'girls',
    'girl',
    'men',
    'man',
    'female',
    'females',
    'male',
    'males',
    'wife',
    'wives',
    'femme',
    'femmes',
    'fille',
    'filles',
    'homme',
    'hommes',
    'meuf',
    'meufs',
    'jew',
    'muslim',
    'arab',
    'black',
    'white',
    'whites',
    'gay',
    'gays',
    'lesbian',
    'lesbians',
    'trans',
    'juif',
    'juifs',
    'musulman',
    'musulmans',
    'musulmane',
    'musulmanes',
    'arabe',
    'arabes',
    'noir',
    'noirs',
    'noire',
    'noires',
    'blanc',
    'blancs',
    'migrant',
    'immigre',
    'immigres',
    'etranger',
    'etrangers',
    'islam',
    'juive',
    'juives',
    'homosexuel',
    'homosexuels',
    'africain',
    'africains',
  ].map(collapse),
]);

export interface FeatureSpans {
  keys: string[];
  /** Original offsets (UTF-16, end exclusive) of each key; -1 for rule features. */
  starts: number[];
  ends: number[];
}

/**
 * Function words carry no hostility of their own; a weight learned on them ("you", "to", "me")
 * only echoes how one corpus was collected, and would make explanations that explain nothing.
 */
const FUNCTION_WORDS = new Set<string>(
  [
    'a',
    'an',
    'the',
    'to',
    'of',
    'in',
    'on',
    'at',
    'for',
    'and',
    'or',
    'but',
    'if',
    'is',
    'are',
    'was',
    'be',
    'it',
    's',
    'i',
    'me',
    'my',
    'mine',
    'you',
    'your',
    'u',
    'ur',
    're',
    'we',
    'us',
    'our',
    'this',
    'that',
    'with',
    'as',
    'by',
    'from',
    'so',
    'do',
    'have',
    'has',
    'had',
    'not',
    'just',
    'over',
    'being',
    'only',
    'le',
    'la',
    'les',
    'l',
    'un',
    'une',
    'des',
    'de',
    'du',
    'd',
    'et',
    'ou',
    'a',
    'au',
    'aux',
    'en',
    'je',
    'j',
    'tu',
    't',
    'il',
    'ele',
    'on',
    'nous',
    'vous',
    'ils',
    'eles',
    'me',
    'm',
    'te',
    'se',
    'ce',
    'c',
    'est',
    'es',
    'etes',
    'sont',
    'qui',
    'que',
    'qu',
    'pour',
    'par',
    'dans',
    'sur',
    'avec',
    'pas',
    'ne',
    'n',
    'mon',
    'ma',
    'mes',
    'ton',
    'ta',
    'tes',
    'son',
    'sa',
    'ses',
    'y',
  ].map(collapse),
);

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

/** The rules' verdict as features: one per category found, the level, and whether it was aimed. */
export function ruleFeatures(
  categories: readonly string[],
  level: string,
  targeted: boolean,
  out: FeatureSpans,
): void {
  for (const c of categories) {
    out.keys.push(`=cat:${c}`);
    out.starts.push(-1);
    out.ends.push(-1);
  }
  out.keys.push(`=level:${level}`);
  out.starts.push(-1);
  out.ends.push(-1);
  if (targeted) {
    out.keys.push('=targeted');
    out.starts.push(-1);
    out.ends.push(-1);
  }
}
