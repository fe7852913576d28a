// The pre-filter decides, on the raw text, that a post needs no further work. It must never call
// a text clean when the full path (normaliser + matcher) would find a lexicon term in it: these
// tests compare both on every lexicon form in several settings, on the labelled and held-out
// examples, and on obfuscated and glued spellings.
import { describe, expect, it } from 'vitest';
import { getBaseMatcher } from '../../src/scoring/scorer.ts';
import { loadBaseLexicon } from '../../src/scoring/lexicon.ts';
import { normalizeStream } from '../../src/scoring/normalize.ts';
import type { Hit } from '../../src/scoring/term-matcher.ts';
import { loadLabelled } from './labelled.ts';

const matcher = getBaseMatcher();
const hits: Hit[] = [];
function fullPathFinds(text: string): boolean {
  hits.length = 0;
  matcher.find(normalizeStream(text), hits);
  return hits.length > 0;
}

/** Texts the pre-filter called clean although the full path finds a term in them. */
function missed(texts: Iterable<string>): string[] {
  const out: string[] = [];
  for (const t of texts) if (!matcher.mayMatch(t) && fullPathFinds(t)) out.push(t);
  return out;
}

const forms = [...new Set(loadBaseLexicon().variants.map((v) => v.form))];

describe('pre-filter', () => {
  it('lets through every lexicon form, alone, in a sentence, inflected and shouted', () => {
    const settings = [
      (f: string) => f,
      (f: string) => `t'es vraiment un ${f}, franchement`,
      (f: string) => `you are such a ${f}s!!`,
      (f: string) => `${f}ing`,
      (f: string) => f.toUpperCase(),
      (f: string) => `#${f}`,
    ];
    for (const make of settings) expect(missed(forms.map(make))).toEqual([]);
  });

  it('lets through the labelled and held-out examples the full path flags, alone and glued to others', () => {
    const texts = [...loadLabelled(), ...loadLabelled('heldout.tsv')].map((x) => x.text);
    expect(missed(texts)).toEqual([]);
    expect(missed(texts.map((t, i) => `${texts[(i + 7) % texts.length] as string} ${t}`))).toEqual([]);
  });

  it('lets through obfuscated spellings', () => {
    const texts = [
      'c0nnard',
      'c o n n a r d',
      'c.o.n.n.a.r.d',
      'connnaaaard',
      'ćоnnаrd',
      'p*te',
      'sale c*nnasse',
      '5h1t',
      '#SaleConnasse',
      '#salepute',
      '$alope',
      'k y s',
      'va te p-e-n-d-r-e',
      'f u c k you',
    ];
    expect(missed(texts)).toEqual([]);
  });

  it('calls clean the texts whose words only begin like a term', () => {
    const clean = [
      'The conference starts tomorrow at 9am.',
      'le concombre et la conserve',
      'Constance analyse le concours de Scunthorpe',
      'Merci pour le partage, super article !',
    ];
    for (const t of clean) {
      expect(fullPathFinds(t), t).toBe(false);
      expect(matcher.mayMatch(t), t).toBe(false);
    }
  });
});
