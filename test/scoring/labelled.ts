// Loads the labelled examples shared by the tests and the bench.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Labelled {
  lang: 'fr' | 'en';
  hostile: boolean;
  category: string | null;
  text: string;
}

/** The examples of a fixture file: `labelled.tsv` (default) or `heldout.tsv`. */
export function loadLabelled(file = 'labelled.tsv'): Labelled[] {
  const path = fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
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
