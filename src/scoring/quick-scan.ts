// Pre-filter: one pass over the raw text that decides whether the full normaliser is needed at
// all. It folds characters through a table, collapses repeats and steps the same automaton; if
// no lexicon key can occur and nothing needs the slow path (leetspeak, masking stars, letters
// split by spaces, multi-letter folds), the text is clean. Most posts are, so this is the speed
// of the scorer. It must only ever say "clean" when the full path would find nothing.
import { foldCodePoint, K } from './fold.ts';

import { LEET_ALT, LEET_MAP } from './fold.ts';
import { ALPHA, deepStep, type AcTables } from './ac-tables.ts';

const SPACE = 37;
const SEP = -1;
const RISKY = -2;
const IGNORE = -3;
const LEETISH = -12;
const AT = -13;
const HASH = -14;
const UNKNOWN = -128;

/** Per BMP code unit: 0..25 letter, 26..35 digit, or one of the negative classes; UNKNOWN until computed. */
const table = new Int8Array(0x10000).fill(UNKNOWN);

function classify(cp: number): number {
  const f = foldCodePoint(cp);
  switch (f.kind) {
    case K.Letter:
      return f.out.length === 1 ? f.out.charCodeAt(0) - 97 : RISKY;
    case K.Digit:
      return 26 + f.out.charCodeAt(0) - 48;
    case K.Ignore:
      return IGNORE;
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
 * and @handles are skipped (the matcher never reports a term starting inside one).
 */
export function needsFullScan(text: string, t: AcTables): boolean {
  const dense = t.dense;
  const nDense = t.nDense;
  const accept = t.accept;
  let s = 0;
  let pos = 0; // stream characters stepped so far
  let nStarts = 0; // word starts recorded in STARTS (a ring of the last few)
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
      if (c < 26 && c === last) continue;
      if (tokenLen === 0) {
        STARTS[nStarts & RING_MASK] = pos;
        nStarts++;
      }
      s = s < nDense ? (dense[s * ALPHA + c] as number) : deepStep(t, s, c);
      pos++;
      // The matcher only keeps terms starting a word, or glued inside a hashtag.
      if (accept[s] === 1 && (hashPrefix || startsAWord(s, pos, nStarts, t))) return true;
      last = c;
      tokenLen++;
      continue;
    }
    if (c === IGNORE) continue;
    if (c === AT && !raw && !hashPrefix) {
      // A handle: its characters can start no term, and the '@' before it resets the automaton.
      i = handleEnd(text, i + 1) - 1;
      s = 0;
      last = -1;
      tokenLen = 0;
      singles = 0; // a handle breaks a run of single letters
      leetWord = -1;
      leetBefore = false;
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
    // separator ('#' too)
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
      pos++;
      if (accept[s] === 1) return true; // never: keys do not end with a space
    }
    last = -1;
    tokenLen = 0;
    leetWord = -1;
    leetBefore = false;
  }
  return tokenLen === 1 && singles >= 2;
}

// The last word starts (stream positions, increasing): enough for the longest phrase.
const RING = 64;
const RING_MASK = RING - 1;
const STARTS = new Int32Array(RING);

/** True when some key ending at `pos` in state s begins at a recorded word start (or may). */
function startsAWord(s: number, pos: number, nStarts: number, tables: AcTables): boolean {
  const dict = tables.dict;
  let t = (tables.out[s] as number) >= 0 ? s : (dict[s] as number);
  while (t !== 0) {
    const start = pos - (tables.depth[t] as number);
    let k = nStarts - 1;
    for (; k >= 0 && k >= nStarts - RING; k--) {
      const at = STARTS[k & RING_MASK] as number;
      if (at === start) return true;
      if (at < start) break;
    }
    if (k >= 0 && k < nStarts - RING) return true; // older than the ring remembers: assume it does
    t = dict[t] as number;
  }
  return false;
}

/** 1 if the run of letters, digits and ignorable characters from i holds a letter, else 0. */
function wordHasLetter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = classAt(text, i);
    if (c >= 0 && c < 26) return 1;
    if (c >= 26 || c === IGNORE) {
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
    if (c === SEP || c === HASH) return i;
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
