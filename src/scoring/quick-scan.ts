// Pre-filter: one pass over the raw text that decides whether the full normaliser is needed at
// all. It folds characters through a table, collapses repeats and steps the same automaton; if
// no lexicon key can occur and nothing needs the slow path (leetspeak, masking stars, letters
// split by spaces, multi-letter folds), the text is clean. Most posts are, so this is the speed
// of the scorer. It must only ever say "clean" when the full path would find nothing.
import { foldCodePoint, K } from './fold.ts';

import { LEET_ALT, LEET_MAP } from './fold.ts';
import { ALPHA, deepStep, trieChild, type AcTables } from './ac-tables.ts';
import { MAX_SUFFIX } from './suffixes.ts';
import { isCodedHateSign } from './coded-hate.ts';

const SPACE = 37;
const SEP = -1;
const RISKY = -2;
const IGNORE = -3;
const LEETISH = -12;
const AT = -13;
const HASH = -14;
const OTHER = -4;
/** '(' : a separator, but three in a row are the echo (coded-hate.ts), which the full path reads. */
const PAREN = -15;
const UNKNOWN = -128;

/** Per BMP code unit: 0..25 letter, 26..35 digit, or one of the negative classes; UNKNOWN until computed. */
const table = new Int8Array(0x10000).fill(UNKNOWN);

function classify(cp: number): number {
  if (isCodedHateSign(cp)) return RISKY; // monkey emoji: see coded-hate.ts
  if (cp === 40) return PAREN;
  const f = foldCodePoint(cp);
  switch (f.kind) {
    case K.Letter:
      return f.out.length === 1 ? f.out.charCodeAt(0) - 97 : RISKY;
    case K.Digit:
      return 26 + f.out.charCodeAt(0) - 48;
    case K.Ignore:
      return IGNORE;
    case K.OtherLetter:
      return OTHER;
    case K.Hash:
      return HASH;
    case K.Space:
    case K.Apos:
    case K.Quote:
    case K.Clause:
    case K.Soft:
      return SEP;
    case K.At:
      return AT;
    case K.LeetSym:
      // '$', '!'… are leetspeak next to letters, separators elsewhere: decided by the caller.
      return LEETISH;
    default:
      return RISKY;
  }
}

/** Class of the character at i (UNKNOWN filled in); astral code points are classified directly. */
function classAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) return classify(text.codePointAt(i) as number);
  let c = table[code] as number;
  if (c === UNKNOWN) {
    c = classify(code);
    table[code] = c;
  }
  return c;
}

/** Leet reading of a digit in a word with letters, as normalize() reads it: letter, -1 stays a digit, -2 ambiguous. */
const LEET_DIGIT = new Int8Array(10);
for (let d = 0; d < 10; d++) {
  const ch = String(d);
  const mapped = LEET_MAP[ch];
  LEET_DIGIT[d] = LEET_ALT[ch] !== undefined ? -2 : mapped !== undefined ? mapped.charCodeAt(0) - 97 : -1;
}

/**
 * True when the full path is needed: a key may occur, or the text needs careful normalisation.
 * Mirrors normalize() where that is cheap: digits in words with letters are read as leetspeak,
 * and @handles are skipped (the matcher never reports a term starting inside one). The automaton
 * is anchored at word starts (matcher.ts), so an accepting state always means a key starting a word.
 */
export function needsFullScan(text: string, t: AcTables): boolean {
  const dense = t.dense;
  const nDense = t.nDense;
  const accept = t.accept;
  const boundary = t.boundary;
  let s = boundary;
  let last = -1;
  let tokenLen = 0;
  let singles = 0;
  // Per token: -1 no letter or digit yet, 1 the word has a letter (digits are leet), 0 it has none.
  let leetWord = -1;
  // A leet symbol opened the token ("$3x"): leave such words to the full path.
  let leetBefore = false;
  // Mirror of normalize()'s token state: raw characters in the token, '#' prefix seen. An '@' opens
  // a handle only with neither.
  let raw = false;
  let hashPrefix = false;
  // A key starting a word ended at this token length: it counts only if the word ends within
  // MAX_SUFFIX more characters (the matcher's right boundary, inflections allowed), so
  // "conference" does not send a clean text down the full path for "con".
  let keyEndAt = -1;
  // A letter of the token was upper case after a lower-case one: a camelCase hashtag, which the
  // full path splits into words.
  let camel = false;
  let lowerBefore = false;
  let parens = 0;
  let parenAt = -2;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const code = text.charCodeAt(i);
    let c: number;
    if (code >= 0xd800 && code <= 0xdbff) {
      const cp = text.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      c = classify(cp);
    } else {
      c = table[code] as number;
      if (c === UNKNOWN) {
        c = classify(code);
        table[code] = c;
      }
    }
    if (c >= 0) {
      raw = true;
      if (leetWord < 0) {
        leetWord = c < 26 ? 1 : wordHasLetter(text, i + 1);
        if (leetWord === 1 && leetBefore) return true;
      }
      if (c >= 26 && leetWord === 1) {
        const q = LEET_DIGIT[c - 26] as number;
        if (q === -2) return true; // '1' is i or l: the full path follows both readings
        if (q >= 0) c = q;
      }
      if (hashPrefix && c < 26) {
        // An astral letter (𝐒𝐚𝐥𝐞…) may be a capital: count it as a camelCase break, to be safe.
        const upper = code >= 0xd800 || isUpper(code);
        if (upper && lowerBefore) camel = true;
        lowerBefore = !upper;
      }
      if (c < 26 && c === last) continue;
      if (hashPrefix && tokenLen < HASHTAG_MAX) HASHTAG[tokenLen] = c;
      s = s < nDense ? (dense[s * ALPHA + c] as number) : deepStep(t, s, c);
      last = c;
      tokenLen++;
      if (accept[s] === 1) {
        // In a hashtag a key at its start may run on into the next glued word.
        if (hashPrefix) return true;
        keyEndAt = tokenLen;
      } else if (s === 0 && keyEndAt < 0 && !hashPrefix) {
        // No key starts this word and none ended in it: skip to its end, where a word may start.
        const to = wordEnd(text, i + 1);
        tokenLen += to - i - 1;
        i = to - 1;
      }
      continue;
    }
    if (c === IGNORE) continue;
    if (c === OTHER) {
      // A letter no key contains (CJK, Arabic…): the word goes on, and no key ends or starts in it.
      raw = true;
      s = 0;
      keyEndAt = -1;
      last = -1;
      tokenLen++;
      continue;
    }
    if (c === AT && !raw && !hashPrefix) {
      // A handle: its characters can start no term; a word starts after it.
      i = handleEnd(text, i + 1) - 1;
      s = boundary;
      last = -1;
      tokenLen = 0;
      singles = 0; // a handle breaks a run of single letters
      leetWord = -1;
      leetBefore = false;
      keyEndAt = -1;
      raw = true; // so that a '#' right after it ends the token, as in normalize()
      continue;
    }
    if (c === LEETISH || c === AT) {
      if (tokenLen > 0 || isLetterAt(text, i + 1)) return true;
      raw = true;
      leetBefore = true;
      continue;
    }
    if (c === RISKY) return true;
    if (c === PAREN) {
      parens = parenAt === i - 1 ? parens + 1 : 1;
      parenAt = i;
      if (parens >= 3) return true;
    }
    // A separator ('#' too) ends the token.
    if (tokenLen > 0 && endOfWord(t, keyEndAt, tokenLen, hashPrefix, camel)) return true;
    if (c === HASH) {
      if (!raw && !hashPrefix) hashPrefix = true;
      else {
        raw = false;
        hashPrefix = false;
      }
    } else {
      raw = false;
      hashPrefix = false;
    }
    if (tokenLen === 1) {
      if (++singles >= 3) return true; // "c o n n a r d"
    } else if (tokenLen > 1) singles = 0;
    if (tokenLen > 0) {
      s = s < nDense ? (dense[s * ALPHA + SPACE] as number) : deepStep(t, s, SPACE);
      if (accept[s] === 1) return true; // never: keys do not end with a space
    }
    keyEndAt = -1;
    camel = false;
    lowerBefore = false;
    last = -1;
    tokenLen = 0;
    leetWord = -1;
    leetBefore = false;
  }
  if (tokenLen > 0 && endOfWord(t, keyEndAt, tokenLen, hashPrefix, camel)) return true;
  return tokenLen === 1 && singles >= 2;
}

/** At the end of a word: does a key found in it count, or may one be glued inside a hashtag? */
function endOfWord(
  t: AcTables,
  keyEndAt: number,
  tokenLen: number,
  hashtag: boolean,
  camel: boolean,
): boolean {
  if (keyEndAt >= 0 && tokenLen - keyEndAt <= MAX_SUFFIX) return true;
  if (!hashtag) return false;
  // The full path splits "#SaleCon" into words, each a word start: leave those to it.
  if (camel || tokenLen > HASHTAG_MAX) return true;
  return keyInside(t, HASHTAG, tokenLen, HASHTAG_MIN_KEY);
}

// The letters of the current hashtag, for the keys glued inside it.
const HASHTAG_MAX = 64;
const HASHTAG = new Uint8Array(HASHTAG_MAX);
/** As the matcher: shorter keys inside a hashtag do not count (see term-matcher.ts). */
const HASHTAG_MIN_KEY = 5;

/** A key of minLen+ characters starting inside word[1..len) and ending in it (a trie walk from each position). */
function keyInside(t: AcTables, word: Uint8Array, len: number, minLen: number): boolean {
  for (let p = 1; p + minLen <= len; p++) {
    let s = t.boundary;
    for (let q = p; q < len; q++) {
      s = trieChild(t, s, word[q] as number);
      if (s < 0) break;
      if ((t.accept[s] as number) === 1 && q + 1 - p >= minLen) return true;
    }
  }
  return false;
}

function isUpper(code: number): boolean {
  return foldCodePoint(code).upper;
}

/**
 * Index of the first character from i that may end the current word: a separator, '#', or a
 * character the table has not classified yet. Inside a word with no key, letters, digits, leet
 * symbols, stars, ignorable and foreign characters only continue it (none starts a word).
 */
function wordEnd(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = table[text.charCodeAt(i)] as number;
    if (c < 0 && c !== IGNORE && c !== LEETISH && c !== AT && c !== RISKY && c !== OTHER) break;
  }
  return i;
}

/** 1 if the run of letters, digits and ignorable characters from i holds a letter, else 0. */
function wordHasLetter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = classAt(text, i);
    if (c >= 0 && c < 26) return 1;
    if (c >= 26 || c === IGNORE || c === OTHER) {
      if (
        text.charCodeAt(i) >= 0xd800 &&
        text.charCodeAt(i) <= 0xdbff &&
        (text.codePointAt(i) as number) > 0xffff
      )
        i++;
      continue;
    }
    // Anything else ends the run; leet symbols or risky characters inside it make the caller bail.
    return 0;
  }
  return 0;
}

/** Index of the character that ends a handle starting at i: a separator or '#', as in normalize(). */
function handleEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = classAt(text, i);
    if (c === SEP || c === HASH || c === PAREN) return i;
    i +=
      text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff && (text.codePointAt(i) as number) > 0xffff
        ? 2
        : 1;
  }
  return i;
}

function isLetterAt(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = table[text.charCodeAt(i)] as number;
  return c === UNKNOWN || (c >= 0 && c < 26) || c === RISKY;
}
