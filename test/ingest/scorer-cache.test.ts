import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createScorerCache } from '../../src/ingest/scorer-cache.ts';

const config = (scoring: unknown) =>
  parseConfig({
    scoring,
    watches: [{ id: 'alice', names: ['Alice Martin'], feeds: ['https://example.org/feed.xml'] }],
  });

describe('scoring.learned', () => {
  it('is off by default, and the scorers of the watches are the rules alone', () => {
    const c = parseConfig({
      watches: [{ id: 'alice', names: ['Alice Martin'], feeds: ['https://example.org/feed.xml'] }],
    });
    expect(c.scoring.learned).toBe(false);
    const scorer = createScorerCache({ learned: c.scoring.learned }).forWatch(c.watches[0]!);
    expect(scorer.version).not.toContain('+learned');
  });

  it('turned on, adds the learned layer and marks the version so that rescore follows', () => {
    const c = config({ learned: true });
    const on = createScorerCache({ learned: c.scoring.learned }).forWatch(c.watches[0]!);
    const off = createScorerCache({ learned: false }).forWatch(c.watches[0]!);
    expect(on.version).toBe(`${off.version}+learned`);
  });

  it('refuses an unknown key under scoring, naming it', () => {
    expect(() => config({ lerned: true })).toThrow(/scoring/);
  });
});
