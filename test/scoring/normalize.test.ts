import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/scoring/normalize.ts';
import { expandPattern } from '../../src/scoring/lexicon.ts';

const norm = (s: string): string => normalize(s).text;

describe('normalize', () => {
  it.each([
    ['c0nnard', 'conard'],
    ['c o n n a r d', 'conard'],
    ['connnaaard', 'conard'],
    ['ćonnard', 'conard'],
    ['c.o.n.n.a.r.d', 'conard'],
    ['c-o-n-n-a-r-d', 'conard'],
    ['c🤬o🤬n🤬n🤬a🤬r🤬d', 'conard'],
    ['сonnаrd', 'conard'], // Cyrillic с and а
    ['𝐜𝐨𝐧𝐧𝐚𝐫𝐝', 'conard'],
    ['ＣＯＮＮＡＲＤ', 'conard'],
    ['co\u200bnnard', 'conard'],
    ["t'es qu'une s@l0pe", 't es qu une salope'],
    ['5h1t', 'shit'],
    ['€nculé', 'encule'],
  ])('%s -> %s', (input, expected) => {
    expect(norm(input)).toBe(expected);
  });

  it('keeps words spelt out letter by letter apart across a wide gap', () => {
    expect(norm('s t f u  w h o r e')).toBe('stfu whore');
    expect(norm('s t f u w h o r e')).toBe('stfuwhore');
  });

  it('splits camelCase hashtags and handles into words, with markers', () => {
    expect(norm('#SaleConnasse @JeanDupont')).toBe('#sale conase @jean dupont');
  });

  it('keeps numbers without letters as digits', () => {
    expect(norm('appelez le 3018')).toBe('apelez le 3018');
  });

  it('marks quotes and clause breaks', () => {
    expect(norm('il a dit « con ». Bon, ok')).toBe('il a dit"con"|bon,ok');
  });

  it('drops URLs', () => {
    expect(norm('voir https://t.co/AbConnard ok')).toBe('voir ok');
  });

  it('maps every stream character back to the original text', () => {
    const text = 'Tu es un ćonnnard 🤬';
    const n = normalize(text);
    const i = n.text.indexOf('conard');
    expect(text.slice(n.start[i], n.end[i + 5])).toBe('ćonnnard');
  });

  it('records repeat counts of collapsed letters', () => {
    const n = normalize('assss');
    expect(n.text).toBe('as');
    expect(Array.from(n.run)).toEqual([1, 4]);
  });
});

describe('expandPattern', () => {
  it('expands groups, optional parts and nested groups', () => {
    expect(expandPattern('connard(|e)(|s)').sort()).toEqual(['connard', 'connarde', 'connardes', 'connards']);
    expect(expandPattern('go back to (your (country|cave)|africa)').sort()).toEqual([
      'go back to africa',
      'go back to your cave',
      'go back to your country',
    ]);
  });
  it('rejects unbalanced patterns', () => {
    expect(() => expandPattern('(a|b')).toThrow();
  });
});
