// Context rules: reported speech by the insulted person, coordinated insults, possessives.
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scoring/index.ts';

const scorer = createScorer();
const hostile = (text: string, lang: 'fr' | 'en'): boolean => scorer.score(text, lang).hostile;
const targeted = (text: string, lang: 'fr' | 'en'): boolean => scorer.score(text, lang).targeted;

describe('reported speech: an insult reported by its target attacks nobody', () => {
  it.each([
    ['en', 'he calls her a bitch'],
    ['en', 'he calls me a clown every day'],
    ['en', 'she says I’m a whore'],
    ['en', '@bob he called me a bitch'],
    ['fr', "Il m'a traité(e) de connard"],
    ['fr', "@paul il m'a traitée de salope"],
    ['fr', 'il me traite de connasse'],
    ['fr', 'on me traite de grosse vache'],
    ['fr', "elle m'appelle connasse"],
  ] as const)('%s: %s', (lang, text) => {
    expect(hostile(text, lang)).toBe(false);
    expect(targeted(text, lang)).toBe(false);
  });
  it.each([
    ['en', 'you are a bitch'],
    ['fr', 't es une connasse'],
  ] as const)('still an attack without the frame — %s: %s', (lang, text) => {
    expect(hostile(text, lang)).toBe(true);
  });
});

describe('coordinated insults share their target', () => {
  it.each([
    ['en', "you're a disgrace and a clown"],
    ['en', 'you are a liar, a cheat and a fraud'],
    ['fr', "t'es une menteuse et une hypocrite"],
    ['fr', "t'es une menteuse, une hypocrite"],
  ] as const)('%s: %s', (lang, text) => {
    const r = scorer.score(text, lang);
    expect(r.hostile).toBe(true);
    expect(r.targeted).toBe(true);
  });
  it('the last conjunct counts, not only the first', () => {
    const terms = scorer.score("t'es une menteuse et une hypocrite", 'fr').matches.map((m) => m.term);
    expect(terms).toContain('hypocrite');
    expect(scorer.score("you're a disgrace and a clown", 'en').matches.map((m) => m.term)).toContain('clown');
  });
  it.each([
    ['en', 'I watched the match and the clown show'],
    ['fr', 'on a vu le match et le clown du cirque'],
  ] as const)('no conjunct predicated of a person — %s: %s', (lang, text) => {
    expect(hostile(text, lang)).toBe(false);
  });
});

describe('possessives target only when the insult qualifies the person', () => {
  it.each([
    ['fr', 'ta gueule'],
    ['fr', 'ta sale gueule'],
    ['en', 'your stupid face'],
    ['en', 'your mom is a whore'],
    ['en', 'your so stupid'],
  ] as const)('targeted — %s: %s', (lang, text) => {
    expect(targeted(text, lang)).toBe(true);
  });
  it.each([
    ['fr', 'ton chien est con'],
    ['fr', "j'ai oublié ta gourde"],
    ['fr', 'ta gourde est là'],
    ['en', 'your dog is dumb'],
    ['en', 'your argument is stupid'],
  ] as const)('not an attack — %s: %s', (lang, text) => {
    expect(hostile(text, lang)).toBe(false);
    expect(targeted(text, lang)).toBe(false);
  });
});
