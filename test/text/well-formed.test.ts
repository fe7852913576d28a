import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wellFormed, wellFormedDeep } from '../../src/text/well-formed.ts';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
// Any sequence of code points, with lone surrogate halves made frequent (they are rare in 'binary').
const anyString = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 200,
});
const isWellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('wellFormed()', () => {
  it('replaces each lone surrogate with one U+FFFD and keeps pairs', () => {
    expect(wellFormed('a\ud800b')).toBe('a\ufffdb');
    expect(wellFormed('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(wellFormed('😀')).toBe('😀');
    expect(wellFormed('\ud83d\ude00\ud83d')).toBe('😀\ufffd');
  });

  it('gives a well-formed string of the same length, and is idempotent (any string)', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const w = wellFormed(s);
        expect(isWellFormed(w)).toBe(true);
        expect(w.length).toBe(s.length);
        expect(wellFormed(w)).toBe(w);
      }),
    );
  });

  it('changes nothing that UTF-8 hashing sees: the hash of the input is the hash of the output (any string)', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(sha(wellFormed(s))).toBe(sha(s));
      }),
    );
  });

  it('leaves well-formed text untouched, whatever its script (any Unicode string)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (s) => {
        expect(wellFormed(s)).toBe(s);
      }),
    );
  });

  it('reaches every string of a post, author fields included, and keeps numbers and nulls', () => {
    const post = {
      text: 'x\ud800',
      author: { name: '\udfff', handle: null },
      createdAt: 5,
      tags: ['\ud800'],
    };
    expect(wellFormedDeep(post)).toEqual({
      text: 'x\ufffd',
      author: { name: '\ufffd', handle: null },
      createdAt: 5,
      tags: ['\ufffd'],
    });
  });
});
