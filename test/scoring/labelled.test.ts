import { describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scoring/index.ts';
import { loadLabelled } from './labelled.ts';

const scorer = createScorer();
const examples = loadLabelled();

describe('labelled examples', () => {
  it('has hundreds of French and English examples', () => {
    expect(examples.filter((e) => e.lang === 'fr').length).toBeGreaterThan(100);
    expect(examples.filter((e) => e.lang === 'en').length).toBeGreaterThan(100);
  });

  for (const ex of examples) {
    it(`${ex.lang} ${ex.hostile ? 'hostile' : 'not hostile'}${ex.category ? ` (${ex.category})` : ''}: ${ex.text}`, () => {
      const r = scorer.score(ex.text, ex.lang);
      expect(r.hostile).toBe(ex.hostile);
      if (ex.category) expect(r.categories).toContain(ex.category);
    });
  }
});
