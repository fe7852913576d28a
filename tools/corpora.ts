// Reads the development corpora (real posts labelled by other people's annotators) from
// ../shared/data/dev-corpora when present, and splits each line into train or test by the rule of
// that folder's README: sha1(id), first 8 hex digits as an integer, modulo 10, below 3 → test.
// Nothing here is copied into the repository: the files are read where they lie.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusPost {
  id: string;
  text: string;
  lang: 'fr' | 'en';
  hostile: boolean;
  category: string | null;
}

export interface Corpus {
  name: string;
  train: CorpusPost[];
  test: CorpusPost[];
}

export const CORPORA_DIR =
  process.env['VIGIE_CORPORA_DIR'] ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/dev-corpora');

/** Licences that allow something derived from a set (learned weights) to ship in an MIT project. */
export const SHIPPABLE = new Set([
  'fr-toxifrench',
  'fr-hateday',
  'fr-ftr',
  'en-convabuse',
  'en-edos',
  'en-gab',
]);

export function isTest(id: string): boolean {
  const h = createHash('sha1').update(id).digest('hex');
  return Number.parseInt(h.slice(0, 8), 16) % 10 < 3;
}

export function loadCorpora(dir = CORPORA_DIR): Corpus[] {
  if (!existsSync(dir)) return [];
  const out: Corpus[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const corpus: Corpus = { name: file.replace(/\.jsonl$/, ''), train: [], test: [] };
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const raw = JSON.parse(line) as {
        id: string;
        text: string;
        lang: string;
        hostile: number;
        category: string | null;
      };
      const post: CorpusPost = {
        id: String(raw.id),
        text: raw.text,
        lang: raw.lang === 'fr' ? 'fr' : 'en',
        hostile: raw.hostile === 1,
        category: raw.category,
      };
      (isTest(post.id) ? corpus.test : corpus.train).push(post);
    }
    out.push(corpus);
  }
  return out;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function count(posts: readonly { hostile: boolean }[], flags: readonly boolean[]): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  posts.forEach((p, i) => {
    const f = flags[i] === true;
    if (f && p.hostile) c.tp++;
    else if (f) c.fp++;
    else if (p.hostile) c.fn++;
    else c.tn++;
  });
  return c;
}

export function prf(c: Counts): { p: number; r: number; f1: number } {
  const p = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}
