// Held-out check: labelled posts written before the scorer was run on them (fixtures/heldout.tsv),
// never used to pick lexicon entries. Asserts a minimum precision/recall balance (F1) per language,
// so that lexicon changes that trade generality for the training examples show up here.
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scoring/index.ts';
import { loadLabelled, measure, type Labelled as Example } from './labelled.ts';

const loadHeldout = (): Example[] => loadLabelled('heldout.tsv');

// Bars set from what was measured with lexicons 2.0.0 (fr F1 0.95, en F1 0.95), with some
// little slack: raise them as the lexicons improve, never lower them to make a change pass.
const MIN_F1 = { fr: 0.9, en: 0.9 } as const;
const MIN_PRECISION = { fr: 0.88, en: 0.88 } as const;

const scorer = createScorer();
const examples = loadHeldout();

describe('held-out labelled posts', () => {
  it('has at least 75 posts per language, about half of them hostile', () => {
    for (const lang of ['fr', 'en'] as const) {
      const ex = examples.filter((e) => e.lang === lang);
      expect(ex.length).toBeGreaterThanOrEqual(75);
      const hostile = ex.filter((e) => e.hostile).length / ex.length;
      expect(hostile).toBeGreaterThan(0.35);
      expect(hostile).toBeLessThan(0.65);
    }
  });

  for (const lang of ['fr', 'en'] as const) {
    it(`${lang}: F1 ≥ ${MIN_F1[lang]} and precision ≥ ${MIN_PRECISION[lang]}`, () => {
      const ex = examples.filter((e) => e.lang === lang);
      const m = measure(ex, (e) => scorer.score(e.text, e.lang).hostile);
      const misses = ex
        .filter((e) => scorer.score(e.text, e.lang).hostile !== e.hostile)
        .map((e) => `${e.hostile ? 'FN' : 'FP'} ${e.text}`);
      const summary = `${lang} P=${m.precision.toFixed(3)} R=${m.recall.toFixed(3)} F1=${m.f1.toFixed(3)}\n${misses.join('\n')}`;
      expect(m.f1, summary).toBeGreaterThanOrEqual(MIN_F1[lang]);
      expect(m.precision, summary).toBeGreaterThanOrEqual(MIN_PRECISION[lang]);
    });
  }
});
