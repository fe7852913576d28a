// Loads the self-written labelled examples (test/scoring/fixtures/*.tsv) shared by the scoring
// regression tests and the score bench: a neutral place, so that bench/ never imports from test/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { count, prf } from './corpora.ts';

export interface Labelled {
  lang: 'fr' | 'en';
  hostile: boolean;
  category: string | null;
  text: string;
}

/** The examples of a fixture file: `labelled.tsv` (default), `heldout.tsv`, `probes-tuned.tsv`, `probes-blind.tsv`. */
export function loadLabelled(file = 'labelled.tsv'): Labelled[] {
  const path = fileURLToPath(new URL(`../test/scoring/fixtures/${file}`, import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [lang, label, category, ...rest] = l.split('\t');
      return {
        lang: lang === 'en' ? 'en' : 'fr',
        hostile: label === '1',
        category: category === '-' || category === undefined ? null : category,
        text: rest.join('\t'),
      };
    });
}

/** Precision, recall and F1 of a yes/no flag over labelled examples. */
export interface Metrics {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function measure(examples: readonly Labelled[], flag: (e: Labelled) => boolean): Metrics {
  const c = count(examples, examples.map(flag));
  const m = prf(c);
  return { ...c, precision: m.p, recall: m.r, f1: m.f1 };
}
