import { describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scoring/index.ts';
import { loadBaseLexicon } from '../../src/scoring/lexicon.ts';
import { normalizeStream } from '../../src/scoring/normalize.ts';
import { oneSlip, SpellingMatcher } from '../../src/scoring/spelling.ts';
import type { Hit } from '../../src/scoring/term-matcher.ts';

const scorer = createScorer();

describe('oneSlip()', () => {
  it('accepts one swap, one added letter, and on long keys one dropped or replaced letter', () => {
    expect(oneSlip('stupdi', 'stupid')).toBe(true);
    expect(oneSlip('biatch', 'bitch')).toBe(true);
    expect(oneSlip('morron', 'moron')).toBe(true);
    expect(oneSlip('bastrd', 'bastard')).toBe(true);
    expect(oneSlip('bestard', 'bastard')).toBe(true);
  });
  it('refuses the first letter, endings, short keys for lossy slips, and French lossy slips', () => {
    expect(oneSlip('pitch', 'bitch')).toBe(false);
    expect(oneSlip('boulete', 'boulet')).toBe(false);
    expect(oneSlip('idit', 'idiot')).toBe(false);
    expect(oneSlip('bastrd', 'bastard', false)).toBe(false);
    expect(oneSlip('stupid', 'stupid')).toBe(false);
  });
});

describe('spelling a harasser uses', () => {
  it.each([
    ['you idoit', 'en', 'insult', 'idoit'],
    ['what a biatch', 'en', 'insult', 'biatch'],
    ['espècedeconnard', 'fr', 'insult', 'espècedeconnard'],
    ['tesuneconne', 'fr', 'insult', 'tesuneconne'],
    ['youreanidiot', 'en', 'insult', 'youreanidiot'],
    ['killurself', 'en', 'suicide_incitement', 'killurself'],
  ])('reads "%s" as the lexicon word', (text, lang, category, word) => {
    const r = scorer.score(text, lang);
    expect(r.hostile).toBe(true);
    expect(r.categories).toContain(category);
    // The explanation points at the word as written.
    expect(r.matches.map((m) => text.slice(m.start, m.end))).toContain(word);
  });

  it.each([
    ['I regard you highly', 'en'],
    ['Niger is a country', 'en'],
    ['Putin a parlé hier soir', 'fr'],
    ['Grosse boulette de ma part au tournoi', 'fr'],
    ['Scunthorpe United won again', 'en'],
  ])('leaves the ordinary word in "%s" alone', (text, lang) => {
    expect(scorer.score(text, lang).hostile).toBe(false);
  });

  it('never reads a word listed as ordinary, whatever it is one slip from', () => {
    const variants = loadBaseLexicon().variants;
    const hits = (m: SpellingMatcher, text: string): Hit[] => {
      const out: Hit[] = [];
      m.find(normalizeStream(text), [], out);
      return out;
    };
    expect(hits(new SpellingMatcher(variants, new Set()), 'idoit').length).toBeGreaterThan(0);
    expect(hits(new SpellingMatcher(variants, new Set(['idoit'])), 'idoit')).toEqual([]);
  });

  it('handles a 1 MB word and an unpaired surrogate without a slip search blowing up', () => {
    const big = 'a'.repeat(1_000_000);
    expect(scorer.score(big, 'en').hostile).toBe(false);
    expect(scorer.score('idoit \ud800 you', 'en').hostile).toBe(true);
  });
});
