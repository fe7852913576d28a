// Per-code-point folding: what one original character becomes in the normalised stream.
// Computed lazily and cached, so the hot loop of normalize() is a table look-up, not a call to
// String.prototype.normalize for every character.

export enum K {
  /** Latin letters after folding (may be several: œ -> oe, ß -> ss). */
  Letter,
  /** Unmappable letter (CJK, Arabic…): part of a word but never part of a lexicon term. */
  OtherLetter,
  Digit,
  /** Characters that are letters in leetspeak inside a word, punctuation elsewhere: @ $ € ! | */
  LeetSym,
  /** '*' masks letters ("f*ck", "p*te"): kept inside a word so masked forms can be listed. */
  Star,
  Space,
  /** Apostrophes split French elisions (t'es, qu'il, l'autre) and English contractions. */
  Apos,
  Quote,
  /** Sentence/clause punctuation: phrases never match across it, context windows stop at it. */
  Clause,
  /** Dots, dashes, underscores, emoji, slashes: word separators that may also split one word's letters. */
  Soft,
  /** Zero-width characters, combining marks, variation selectors: dropped (used to break filters). */
  Ignore,
  Hash,
  At,
}

export interface Fold {
  kind: K;
  /** Folded output for Letter/Digit/LeetSym/Star; '.' for dots (a clause break unless it splits letters). */
  out: string;
  /** Original was an upper-case letter: used to split camelCase hashtags and handles. */
  upper: boolean;
}

// Look-alike letters that NFKD does not map to Latin: Cyrillic and Greek homoglyphs and a few IPA /
// Latin-extended letters used to dodge filters ("ćоnnаrd" with Cyrillic о and а).
const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ɡ: 'g',
  ɑ: 'a',
  ο: 'o',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  η: 'n',
  μ: 'u',
  ϲ: 'c',
  ς: 'c',
  σ: 'o',
  ω: 'w',
  γ: 'y',
  δ: 'd',
  π: 'n',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
  þ: 'p',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ĳ: 'ij',
  ﬀ: 'ff',
  ʀ: 'r',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ǫ: 'q',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
  ɐ: 'a',
  ǝ: 'e',
  ɔ: 'c',
  ɯ: 'm',
  ɹ: 'r',
  ʇ: 't',
  ʌ: 'v',
};

const QUOTES = new Set(['"', '«', '»', '“', '”', '„', '‟', '‹', '›', '〝', '〞', '＂']);
const APOS = new Set(["'", '’', '‘', 'ʼ', '`', '´', '′', 'ʻ']);
const CLAUSE = new Set([
  ';',
  ':',
  '?',
  '¿',
  '¡',
  '…',
  '\n',
  '\r',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '<',
  '>',
  '。',
  '،',
]);
const LEET = new Set(['@', '$', '€', '!', '|', '£']);

const reMark = /\p{M}/gu;
const reLetter = /\p{L}/u;
const reSpace = /\s/u;
const reIgnore = /[\p{Cf}\p{M}\u034f\ufe00-\ufe0f]/u;

function compute(cp: number): Fold {
  const ch = String.fromCodePoint(cp);
  const f = computeKind(cp, ch);
  return { kind: f.kind, out: f.out, upper: f.kind === K.Letter && ch !== ch.toLowerCase() };
}

function computeKind(cp: number, ch: string): { kind: K; out: string } {
  if (cp < 128) {
    if (cp >= 97 && cp <= 122) return { kind: K.Letter, out: ch };
    if (cp >= 65 && cp <= 90) return { kind: K.Letter, out: ch.toLowerCase() };
    if (cp >= 48 && cp <= 57) return { kind: K.Digit, out: ch };
  }
  if (ch === '*') return { kind: K.Star, out: '*' };
  if (ch === '#') return { kind: K.Hash, out: '' };
  if (ch === '@') return { kind: K.At, out: 'a' };
  if (LEET.has(ch)) return { kind: K.LeetSym, out: ch };
  if (QUOTES.has(ch)) return { kind: K.Quote, out: '' };
  if (APOS.has(ch)) return { kind: K.Apos, out: '' };
  if (ch === ',' || ch === '，' || ch === '、') return { kind: K.Clause, out: ',' };
  if (CLAUSE.has(ch)) return { kind: K.Clause, out: '' };
  if (reSpace.test(ch)) return { kind: K.Space, out: '' };
  if (reIgnore.test(ch)) return { kind: K.Ignore, out: '' };
  // NFKD = NFKC's compatibility mapping (fullwidth, mathematical letters, ligatures) plus the
  // decomposition that lets accents be stripped as combining marks.
  let folded = ch.normalize('NFKD').replace(reMark, '').toLowerCase();
  let mapped = '';
  for (const c of folded) mapped += LOOKALIKES[c] ?? c;
  folded = mapped;
  if (/^[a-z]+$/.test(folded)) return { kind: K.Letter, out: folded };
  if (/^[0-9]$/.test(folded)) return { kind: K.Digit, out: folded };
  if (folded === '.' || folded === '!' || folded === '?')
    return folded === '.' ? { kind: K.Soft, out: '.' } : { kind: K.Clause, out: '' };
  if (reLetter.test(ch)) return { kind: K.OtherLetter, out: '' };
  // Everything else (emoji, symbols, dashes, dots, slashes) separates words and may split letters.
  return { kind: K.Soft, out: '' };
}

const bmp: (Fold | undefined)[] = new Array<Fold | undefined>(0x10000);
const astral = new Map<number, Fold>();

export function foldCodePoint(cp: number): Fold {
  if (cp < 0x10000) {
    let f = bmp[cp];
    if (f === undefined) {
      f = compute(cp);
      bmp[cp] = f;
    }
    return f;
  }
  let f = astral.get(cp);
  if (f === undefined) {
    f = compute(cp);
    if (astral.size < 10_000) astral.set(cp, f);
  }
  return f;
}

/** Leetspeak inside a word that contains at least one real letter. '1' and '|' are ambiguous (i/l). */
export const LEET_MAP: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '€': 'e',
  '£': 'e',
  '!': 'i',
  '|': 'l',
};
/** Second reading of ambiguous leet characters, tried by the matcher as an alternative path. */
export const LEET_ALT: Record<string, string> = { '1': 'l', '|': 'i', '!': 'l' };

// ---- Flat per-code-unit tables for the hot loops (normalize, quick-scan) ----
// The Fold objects above are built once per code point; the loops read these typed arrays
// instead, so a character costs one or two array reads and no property loads.

/** Character classes of the flat table; C_UNKNOWN until the code unit is first seen. */
export const C_UNKNOWN = 0;
export const C_LETTER = 1; // one folded letter in FOLD_CODE
export const C_MULTI = 2; // several folded letters (œ, ß): read foldCodePoint(cp).out
export const C_OTHER_LETTER = 3;
export const C_DIGIT = 4;
export const C_LEET = 5;
export const C_STAR = 6;
export const C_AT = 7;
export const C_HASH = 8;
export const C_IGNORE = 9;
export const C_SEP = 10; // separator: FOLD_CODE holds its separator flags (see SEP_* below)

/** Separator flags, as normalize() accumulates them between two tokens. */
export const SEP_SPACE = 1;
export const SEP_CLAUSE = 2;
export const SEP_QUOTE = 4;
export const SEP_DOT = 8;
export const SEP_COMMA = 16;
/** Two or more spaces in a row. */
export const SEP_WIDE = 32;
/** A second quotation mark between two tokens: one quotation closes, the next opens (`"a", "b"`). */
export const SEP_QUOTE_TWICE = 64;

export const FOLD_CLASS = new Uint8Array(0x10000);
/** Folded code (letters, digits, leet symbols, '*'), separator flags for C_SEP. */
export const FOLD_CODE = new Uint16Array(0x10000);
/** 1 when the original was an upper-case letter (camelCase splitting). */
export const FOLD_UPPER = new Uint8Array(0x10000);

/** Class of a Fold, and the code stored with it (see FOLD_CODE). */
export function classOf(f: Fold): number {
  switch (f.kind) {
    case K.Letter:
      return f.out.length === 1 ? C_LETTER : C_MULTI;
    case K.OtherLetter:
      return C_OTHER_LETTER;
    case K.Digit:
      return C_DIGIT;
    case K.LeetSym:
      return C_LEET;
    case K.Star:
      return C_STAR;
    case K.At:
      return C_AT;
    case K.Hash:
      return C_HASH;
    case K.Ignore:
      return C_IGNORE;
    default:
      return C_SEP;
  }
}

export function codeOf(f: Fold): number {
  if (f.kind === K.Clause) return f.out === ',' ? SEP_COMMA : SEP_CLAUSE;
  if (f.kind === K.Quote) return SEP_QUOTE;
  if (f.kind === K.Space || f.kind === K.Apos || f.kind === K.Soft)
    return f.out === '.' ? SEP_DOT : SEP_SPACE;
  return f.out.length > 0 ? f.out.charCodeAt(0) : 0;
}

/** Fills the flat tables for one BMP code unit and returns its class. */
export function learn(cu: number): number {
  const f = foldCodePoint(cu);
  const c = classOf(f);
  FOLD_CODE[cu] = codeOf(f);
  FOLD_UPPER[cu] = f.upper ? 1 : 0;
  FOLD_CLASS[cu] = c;
  return c;
}

/** LEET_MAP / LEET_ALT as code tables (-1: none), for the emit loop. */
export const LEET_CODE = new Int32Array(0x10000).fill(-1);
export const LEET_ALT_CODE = new Int32Array(0x10000).fill(-1);
for (const [k, v] of Object.entries(LEET_MAP)) LEET_CODE[k.charCodeAt(0)] = v.charCodeAt(0);
for (const [k, v] of Object.entries(LEET_ALT)) LEET_ALT_CODE[k.charCodeAt(0)] = v.charCodeAt(0);
