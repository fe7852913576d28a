import { describe, expect, it } from 'vitest';
import { loadBaseLexicon } from '../../src/scoring/lexicon.ts';

describe('the shipped lexicons', () => {
  it('load without a single rejected line (a skipped pattern would silently flag nothing)', () => {
    const lexicon = loadBaseLexicon();
    expect(lexicon.errors).toEqual([]);
    expect(lexicon.entries.filter((e) => e.lang === 'fr').length).toBeGreaterThan(1000);
    expect(lexicon.entries.filter((e) => e.lang === 'en').length).toBeGreaterThan(1000);
  });
});
