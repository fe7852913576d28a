import { describe, expect, it } from 'vitest';
import {
  createScorer,
  LEVELS,
  levelAtLeast,
  maskMatches,
  scorerVersion,
  type Category,
} from '../../src/scoring/index.ts';
import { AhoCorasick } from '../../src/scoring/matcher.ts';

const scorer = createScorer();
const score = (t: string, lang?: string) => scorer.score(t, lang);

describe('levels', () => {
  it('orders levels and compares them', () => {
    expect(LEVELS).toEqual(['none', 'low', 'medium', 'high', 'severe']);
    expect(levelAtLeast('high', 'medium')).toBe(true);
    expect(levelAtLeast('low', 'medium')).toBe(false);
    expect(levelAtLeast('none', 'none')).toBe(true);
  });
});

describe('Aho-Corasick', () => {
  it('finds overlapping keys that start words, in one pass', () => {
    const ac = new AhoCorasick(['he', 'she', 'his', 'hers', 'she sells', 'sells sea']);
    const found: [number, number][] = [];
    ac.scan('ushers she sells sea hers|he', null, (id, end) => found.push([id, end]));
    expect(found.sort((a, b) => a[1] - b[1] || a[0] - b[0])).toEqual([
      [1, 10], // "she"
      [4, 16], // "she sells"
      [5, 20], // "sells sea"
      [0, 23], // "he" at the start of "hers"
      [3, 25], // "hers"
      [0, 28], // "he" after a clause break
    ]);
  });

  it('finds keys glued inside a word only when asked, from an inner position', () => {
    const ac = new AhoCorasick(['pute', 'salepute', 'epute']);
    const codes = Uint16Array.from('salepute', (c) => c.charCodeAt(0));
    expect(ac.scanCodes(codes, codes.length, null)).toBe(1);
    const count = ac.insideWord(codes, 0, codes.length, null, 5);
    expect([...ac.hits.slice(2, count * 2)]).toEqual([2, 8]); // "epute" from position 3
  });
});

describe('scoring', () => {
  it('explains matches with offsets in the original text', () => {
    const text = "Franchement, t'es un c0nnnard !";
    const r = score(text);
    expect(r.matches).toHaveLength(1);
    const m = r.matches[0]!;
    expect(text.slice(m.start, m.end)).toBe('c0nnnard');
    expect(m.category).toBe('insult');
    expect(r.targeted).toBe(true);
    expect(r.version).toBe(scorerVersion());
    expect(r.lang).toBe('fr');
  });

  it('raises targeted abuse above untargeted', () => {
    expect(score("t'es un connard").score).toBeGreaterThan(score('quel connard ce prof').score);
    expect(score('you are an idiot', 'en').hostile).toBe(true);
    expect(score('this idea is idiotic and stupid', 'en').hostile).toBe(false);
  });

  it('keeps friendly profanity low at most', () => {
    for (const t of ["putain c'est génial", 'fuck yeah', 'holy shit this is good', 'merde alors']) {
      expect(levelAtLeast(score(t).level, 'medium'), t).toBe(false);
    }
    expect(score("putain c'est génial").level).toBe('low');
  });

  it('lowers negated insults', () => {
    expect(score("tu n'es pas une idiote").hostile).toBe(false);
    expect(score('tu es une idiote').hostile).toBe(true);
    expect(score("you're not stupid", 'en').hostile).toBe(false);
  });

  it('lowers reported and counter speech', () => {
    expect(score("il m'a traité de « connasse »").hostile).toBe(false);
    expect(score('stop calling her a slut', 'en').hostile).toBe(false);
    expect(score('arrêtez de dire « sale pute »').hostile).toBe(false);
    expect(score('sale pute').hostile).toBe(true);
  });

  it.each([
    ['je vais te tuer', 'threat'],
    ['va te pendre', 'suicide_incitement'],
    ['on sait où tu habites', 'doxxing_language'],
    ['kill yourself', 'suicide_incitement'],
    ['we know where you live', 'doxxing_language'],
  ])('puts %s at high or above (%s)', (text, category) => {
    const r = score(text);
    expect(levelAtLeast(r.level, 'high')).toBe(true);
    expect(r.categories).toContain(category as Category);
  });

  it('does not flag Scunthorpe-style words', () => {
    for (const t of [
      'concours',
      'Constance',
      'analyse',
      'Scunthorpe',
      'assassin',
      'Dickens',
      'cocktail',
      'Niger',
      'butter',
    ]) {
      expect(score(t).matches, t).toEqual([]);
    }
  });

  it('ignores words inside @handles and URLs', () => {
    expect(score('@connard_du_93 merci').matches).toEqual([]);
    expect(score('https://example.com/connard').matches).toEqual([]);
  });

  it('detects the language when not given', () => {
    expect(score('you are such a nice person').lang).toBe('en');
    expect(score("tu es vraiment quelqu'un de bien").lang).toBe('fr');
    expect(score('anything', 'en-GB').lang).toBe('en');
  });

  it('returns none for empty and clean text', () => {
    expect(score('')).toMatchObject({ score: 0, level: 'none', hostile: false, categories: [], matches: [] });
  });
});

describe('per-watch options', () => {
  it('flags extra terms and changes the version', () => {
    const watch = createScorer({ extraTerms: [{ term: 'sorcière', category: 'insult', severity: 2 }] });
    expect(watch.version).not.toBe(scorerVersion());
    expect(watch.score("t'es une sorcière").hostile).toBe(true);
    expect(scorer.score("t'es une sorcière").hostile).toBe(false);
  });

  it('never flags listed terms', () => {
    const watch = createScorer({ neverFlag: ['Jean Connard'] });
    expect(watch.score('Bravo Jean Connard pour ce livre').matches).toEqual([]);
    expect(watch.score('Jean est un connard').hostile).toBe(true);
  });

  it("treats the watched person's names as a target", () => {
    const watch = createScorer({ names: ['Marie Dupont'] });
    expect(watch.score('Marie Dupont est nulle').hostile).toBe(true);
    expect(scorer.score('Marie Dupont est nulle').hostile).toBe(false);
  });

  it('gives different versions for different options and the same for equal ones', () => {
    const a = createScorer({ neverFlag: ['x'] }).version;
    expect(createScorer({ neverFlag: ['x'] }).version).toBe(a);
    expect(createScorer({ neverFlag: ['y'] }).version).not.toBe(a);
  });
});

describe('maskMatches', () => {
  it('masks each matched span', () => {
    const text = "t'es un connard et une conasse";
    expect(maskMatches(text, scorer.score(text).matches)).toBe("t'es un c*****d et une c*****e");
  });
  it('leaves text without matches unchanged', () => {
    expect(maskMatches('bonjour', [])).toBe('bonjour');
  });
});

describe('speed', () => {
  it('scores a tweet-sized text in well under a millisecond', () => {
    const text = "@marie t'es vraiment qu'une c0nnasse, on sait où tu habites #balancetonporc";
    for (let i = 0; i < 1000; i++) scorer.score(text);
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) scorer.score(text);
    expect((performance.now() - t0) / 10_000).toBeLessThan(0.2);
  });
});
