import { describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scoring/index.ts';
import { learnedVerdict, loadLearned, parseLearned, WITH_LEARNED } from '../../src/scoring/learned-model.ts';
import { normalizeStream } from '../../src/scoring/normalize.ts';
import { splitWords } from '../../src/scoring/context.ts';
import { wordFeatures, type FeatureSpans } from '../../src/scoring/learned-features.ts';

function features(text: string): FeatureSpans {
  const f: FeatureSpans = { keys: [], starts: [], ends: [] };
  const n = normalizeStream(text);
  wordFeatures(n, splitWords(n), f);
  return f;
}

const model = parseLearned(
  'toxic',
  ['#bias\t-2', '#threshold\t0.6', '2.5\tinsult\tvermine', '1.2\tinsult\tsale vermine', '-3\t-\tjeu'].join(
    '\n',
  ),
);

describe('learned layer', () => {
  it('parses weights, bias and threshold, and refuses a bad line', () => {
    expect(model.threshold).toBe(0.6);
    expect(model.weights.get('sale vermine')).toEqual({ weight: 1.2, category: 'insult' });
    expect(() => parseLearned('x', 'abc\tinsult\tfoo')).toThrow(/bad line/);
  });

  it('names the words that made a verdict, with offsets in the original text', () => {
    const text = 'Quelle SALE vermiiiine celle-là';
    const v = learnedVerdict(model, features(text), new Set(), []);
    expect(v.probability).toBeGreaterThan(0.6);
    expect(v.margin).toBeGreaterThan(0);
    expect(v.reasons.map((r) => r.key)).toEqual(['vermine', 'sale vermine']);
    expect(text.slice(v.reasons[0]?.start, v.reasons[0]?.end)).toBe('vermiiiine');
    expect(text.slice(v.reasons[1]?.start, v.reasons[1]?.end)).toBe('SALE vermiiiine');
  });

  it('leaves out never-flag words and spans the rules already judged', () => {
    const text = 'sale vermine';
    expect(learnedVerdict(model, features(text), new Set(['vermine']), []).margin).toBeLessThan(0);
    expect(learnedVerdict(model, features(text), new Set(), [{ start: 5, end: 12 }]).margin).toBeLessThan(0);
  });

  it('a word weighed down keeps a post under the threshold', () => {
    expect(learnedVerdict(model, features('vermine dans le jeu'), new Set(), []).margin).toBeLessThan(0);
  });

  it('ships a toxic and a hate head per language, and the scorer explains what they add', () => {
    for (const lang of ['fr', 'en'] as const)
      expect(loadLearned(lang).map((m) => m.name)).toEqual(['toxic', 'hate']);
    const scorer = createScorer({}, WITH_LEARNED);
    const rulesOnly = createScorer();
    // A post the rules find nothing in, whose words the learned layer reads as hostile.
    const heads = loadLearned('en');
    const strongest = [...(heads[1]?.weights.entries() ?? [])]
      .filter(([k, v]) => !k.includes(' ') && v.weight > 0 && rulesOnly.score(k, 'en').matches.length === 0)
      .sort((a, b) => b[1].weight - a[1].weight)[0];
    expect(strongest).toBeDefined();
    const word = strongest?.[0] as string;
    const text = `${word} ${word} ${word}`;
    const r = scorer.score(text, 'en');
    const expected = heads.some((h) => learnedVerdict(h, features(text), new Set(), []).margin >= 0);
    expect(r.hostile).toBe(expected);
    expect(r.matches.length > 0).toBe(expected);
    for (const m of r.matches) expect(text.slice(m.start, m.end)).toBe(word);
    expect(rulesOnly.score(text, 'en').hostile).toBe(false);
  });
});
