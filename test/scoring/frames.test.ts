import { describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scoring/index.ts';
import { parseFrames } from '../../src/scoring/frames.ts';

const watch = createScorer({ names: ['Alice Martin'], handles: ['@alice_m'] });

describe('frames: hostility composed from an intent, a predicate and a human object', () => {
  it.each([
    ['Alice Martin devrait se suicider, personne ne la regretterait', 'suicide_incitement'],
    ['Alice Martin should kill herself', 'suicide_incitement'],
    ['Alice Martin mérite de mourir', 'threat'],
    ["quelqu'un devrait buter Alice Martin", 'threat'],
    ["I'm going to stab a jewish person tomorrow", 'threat'],
    ['je vais massacrer tous les arabes', 'threat'],
  ])('scores "%s" at least high, as %s', (text, category) => {
    const r = watch.score(text);
    expect(r.hostile).toBe(true);
    expect(['high', 'severe']).toContain(r.level);
    expect(r.categories).toContain(category);
    const m = r.matches.find((x) => x.category === category);
    expect(m).toBeDefined();
    // The explanation quotes the post as written.
    expect(m?.term).toBe(text.slice(m?.start, m?.end));
  });

  it.each([["I can't stand muslims"], ['je ne supporte pas les juifs']])(
    'reads hate said as an emotion: "%s"',
    (text) => {
      const r = watch.score(text);
      expect(r.hostile).toBe(true);
      expect(r.categories).toContain('hate');
    },
  );

  it.each([
    ['would you like to fuck?', 'en'],
    ['have sex with me', 'en'],
    ['are you naked ?', 'en'],
    ['envoie-moi des nudes', 'fr'],
  ])('reads a sexual request aimed at someone: "%s"', (text, lang) => {
    const r = watch.score(text, lang);
    expect(r.hostile).toBe(true);
    expect(r.categories).toContain('sexual_harassment');
  });

  it.each([
    ['I love watching Sex and the City with you'],
    ['can you send me the file'],
    ["I don't want sex talk here"],
  ])('leaves "%s" alone', (text) => {
    expect(watch.score(text, 'en').categories).not.toContain('sexual_harassment');
  });

  it('reads "no" before the second person as a retort, not a negation', () => {
    expect(watch.score('no you fat whore', 'en').hostile).toBe(true);
    expect(watch.score("no, you're not a whore", 'en').hostile).toBe(false);
  });

  it('flags a claim to be the watched person: « je suis la vraie Alice Martin »', () => {
    const r = watch.score("je suis la vraie Alice Martin, l'autre est un fake");
    expect(r.categories).toContain('impersonation');
  });

  it.each([
    ['My sister is going to kill me when she finds out I borrowed her jacket'],
    ['elle va le buter ce boss, 3h qu’elle est dessus'],
    ["Je vais tuer le game a l'exam demain"],
    ['this crossword is going to kill me before breakfast'],
    ['I hate mondays'],
    ['I can stand muslims and anyone else'],
    ['je ne vais pas te tuer, promis'],
    ["I'm going to murder you at chess"],
  ])('leaves "%s" alone', (text) => {
    expect(watch.score(text).hostile).toBe(false);
  });

  it('refuses a frames file with a missing list, naming it', () => {
    expect(() => parseFrames('intent\tvais\n')).toThrow(/missing list 'violent'/);
  });
});
