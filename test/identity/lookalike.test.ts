import { describe, expect, it } from 'vitest';
import { compareAccount, compileTargets, editDistance } from '../../src/identity/lookalike.ts';
import { skeleton } from '../../src/identity/confusables.ts';
import { MIN_SIMILARITY } from '../../src/identity/identity-port.ts';

const targets = compileTargets({
  names: ['Alice Martin'],
  ownAccounts: ['alice.bsky.social', 'alice@mastodon.social'],
  x: { handle: 'alice_m' },
});
const check = (handle: string | null, name: string | null = null, id?: string) =>
  compareAccount(targets, { handle, name, id });

describe('skeleton', () => {
  it('folds Cyrillic, Greek, fullwidth and mathematical letters to the Latin skeleton', () => {
    const plain = skeleton('alice');
    for (const v of ['аlice', 'αlice', 'ａｌｉｃｅ', '𝐚𝐥𝐢𝐜𝐞', 'alıce', 'a\u200blice', 'ALICE', 'a1ice'])
      expect(skeleton(v)).toBe(plain);
    expect(skeleton('rnartin')).toBe(skeleton('martin'));
    expect(skeleton('vvilliam')).toBe(skeleton('william'));
    expect(skeleton('b0b')).toBe(skeleton('bob'));
  });
});

describe('editDistance (Damerau-Levenshtein)', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('alicem', 'ailcem')).toBe(1);
    expect(editDistance('alicem', 'alicem')).toBe(0);
    expect(editDistance('alicem', 'alxcxm', 3)).toBe(2);
    expect(editDistance('abc', 'abcdefgh', 2)).toBe(3);
  });
});

describe('look-alike accounts', () => {
  it.each([
    ['аlice_m', 'confusable characters (U+0430→a)'],
    ['alice_rn', 'rn→m'],
    ['alice__m', 'other separators'],
    ['alice.m', 'other separators'],
    ['alicem_officiel', 'officiel'],
    ['the_real_alice_m', 'thereal'],
    ['alice_m2', 'added (2)'],
    ['alicemartin.fr', 'fr'],
    ['a1ice_m', 'digits for letters'],
    ['4l1c3_m', 'digits for letters'],
    ['ａｌｉｃｅ＿ｍ', 'confusable'],
    ['martin_alice', 'reordered name'],
    ['alicr_m', '1 character apart'],
    ['AliceMartin', 'separators or case'],
  ])('%s is flagged (%s)', (handle, why) => {
    const v = check(handle);
    expect(v).not.toBeNull();
    expect(v!.reason).toContain(why);
    expect(v!.similarity).toBeGreaterThanOrEqual(0.75);
  });

  it('flags an account showing the exact name, and more strongly with a look-alike handle', () => {
    const nameOnly = check('zz_top', 'Alice Martin')!;
    const both = check('alice__m', 'Alice Martin')!;
    expect(nameOnly.reason).toContain('identical name');
    expect(both.similarity).toBeGreaterThan(nameOnly.similarity);
    expect(check('zz_top', 'Аlice Маrtin (officielle)')!.similarity).toBeGreaterThanOrEqual(0.9);
  });

  it('flags the same handle on another instance or platform', () => {
    expect(check('alice_m@evil.example')!.reason).toContain('identical handle');
    expect(check('alice_m@evil.example')!.similarity).toBeGreaterThanOrEqual(0.9);
    expect(check('alice-m.bsky.social')).not.toBeNull();
  });

  it('never flags the real accounts', () => {
    expect(check('alice_m')).toBeNull();
    expect(check('@Alice_M', 'Alice Martin')).toBeNull();
    expect(check('alice.bsky.social', 'Alice Martin', 'did:plc:abc')).toBeNull();
    expect(check('alice@mastodon.social', 'Alice Martin')).toBeNull();
  });

  it('does not flag unrelated accounts', () => {
    for (const h of [
      'bob_dupont',
      'jean_martin',
      'malice',
      'alicia',
      'martine',
      'alicia_keys',
      'al',
      'xx',
      'alice_lover_fan_club',
    ]) {
      // Null, or too weak to be worth a review (MIN_SIMILARITY).
      expect(check(h)?.similarity ?? 0, h).toBeLessThan(MIN_SIMILARITY);
    }
    expect(check('paul_r', 'Paul Martin')).toBeNull();
  });
});
