// Folds text for phrase matching in one pass: lower case, accents removed, every run of
// non-letters/digits becomes one space, with a map back to the original offsets so that matches
// can be shown (and masked) in the text as written.

const cache: (string | undefined)[] = [];
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  œ: 'oe',
  æ: 'ae',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** What one UTF-16 unit becomes: '' for a separator, else one or two lower-case characters. */
function foldUnit(code: number): string {
  const hit = cache[code];
  if (hit !== undefined) return hit;
  let out = '';
  const ch = String.fromCharCode(code);
  if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a)) out = ch;
  else if (code >= 0x41 && code <= 0x5a) out = ch.toLowerCase();
  else if (code >= 0x80 && !(code >= 0xd800 && code <= 0xdfff)) {
    const lower = ch.toLowerCase();
    const special = SPECIAL[lower];
    if (special) out = special;
    else {
      const base = lower.normalize('NFD').replace(/\p{M}+/gu, '');
      if (/^[a-z0-9]$/.test(base)) out = base;
      else if (/^\p{L}$/u.test(base)) out = base;
      else if (/^\p{Nd}$/u.test(ch)) out = String(Number.parseInt(ch.normalize('NFKC'), 10));
    }
    if (out === 'NaN') out = '';
  }
  cache[code] = out;
  return out;
}

export interface FoldedText {
  /** Folded text with one leading and one trailing space, so `indexOf(' word ')` finds whole words. */
  text: string;
  /** For each character of `text`, the offset of the original UTF-16 unit it came from. */
  origin: Int32Array;
}

/** ASCII code → folded code, 0 for a separator. */
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c >= 0x30 && c <= 0x39) ASCII[c] = c;
  else if (c >= 0x61 && c <= 0x7a) ASCII[c] = c;
  else if (c >= 0x41 && c <= 0x5a) ASCII[c] = c + 32;
}

const EMPTY = new Int32Array(0);
let codes = new Uint16Array(1024);
let origins = new Int32Array(1024);

/**
 * Folds `input`; offsets map back through `origin`. Without `withOrigins` the map is left empty
 * (cheaper: callers fold again with it only when they found something to point at).
 */
export function foldText(input: string, withOrigins = true): FoldedText {
  const max = input.length * 2 + 2;
  if (codes.length < max) {
    codes = new Uint16Array(max * 2);
    origins = new Int32Array(max * 2);
  }
  let n = 0;
  codes[n] = 32;
  origins[n++] = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code < 128) {
      // Fast path for ASCII, most of every post: a table lookup, no string made.
      const m = ASCII[code]!;
      if (m === 0) {
        if (codes[n - 1] !== 32) {
          codes[n] = 32;
          origins[n++] = i;
        }
      } else {
        codes[n] = m;
        origins[n++] = i;
      }
      continue;
    }
    const folded = foldUnit(code);
    if (folded === '') {
      if (codes[n - 1] !== 32) {
        codes[n] = 32;
        origins[n++] = i;
      }
      continue;
    }
    for (let k = 0; k < folded.length; k++) {
      codes[n] = folded.charCodeAt(k);
      origins[n++] = i;
    }
  }
  if (codes[n - 1] !== 32) {
    codes[n] = 32;
    origins[n++] = input.length;
  }
  let text = '';
  for (let i = 0; i < n; i += 4096)
    text += String.fromCharCode.apply(null, codes.subarray(i, Math.min(n, i + 4096)) as unknown as number[]);
  return { text, origin: withOrigins ? origins.slice(0, n) : EMPTY };
}

/** A phrase folded the same way, without the padding: `"Allée  des Érables"` → `allee des erables`. */
export function foldPhrase(phrase: string): string {
  return foldText(phrase).text.trim();
}

/** The original span of folded characters [start, end). */
export function originalSpan(folded: FoldedText, start: number, end: number): { start: number; end: number } {
  return { start: folded.origin[start] ?? 0, end: (folded.origin[Math.max(start, end - 1)] ?? 0) + 1 };
}
