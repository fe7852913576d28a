// Pre-filter: one pass over the raw text that decides whether the full normaliser is needed at
// all. It folds characters through a table, collapses repeats and steps the same automaton; if
// no lexicon key can occur and nothing needs the slow path (leetspeak, masking stars, letters
// split by spaces, multi-letter folds), the text is clean. Most posts are, so this is the speed
// of the scorer. It must only ever say "clean" when the full path would find nothing.
import { foldCodePoint, K } from './fold.ts';

const SPACE = 37;
const SEP = -1;
const RISKY = -2;
const IGNORE = -3;
const UNKNOWN = -128;

/** Per BMP code unit: 0..25 letter, 26..35 digit, SEP, RISKY, IGNORE; UNKNOWN until computed. */
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
    case K.Space:
    case K.Apos:
    case K.Quote:
    case K.Clause:
    case K.Soft:
    case K.Hash:
      return SEP;
    case K.At:
    case K.LeetSym:
      // '@', '$', '!'… are leetspeak next to letters, separators elsewhere: decided by the caller.
      return RISKY - 10;
    default:
      return RISKY;
  }
}

const LEETISH = RISKY - 10;

/** True when the full path is needed: a key may occur, or the text needs careful normalisation. */
export function needsFullScan(text: string, delta: Int32Array, accept: Uint8Array, alpha: number): boolean {
  let s = 0;
  let last = -1;
  let tokenLen = 0;
  let singles = 0;
  let hasLetter = false;
  let hasDigit = false;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const code = text.charCodeAt(i);
    let c: number;
    if (code >= 0xd800 && code <= 0xdbff) {
      const cp = text.codePointAt(i) as number;
      i++;
      c = classify(cp);
    } else {
      c = table[code] as number;
      if (c === UNKNOWN) {
        c = classify(code);
        table[code] = c;
      }
    }
    if (c >= 0) {
      // A digit in a word with letters is leetspeak ("c0nnard"): the full path decides.
      if (c >= 26) {
        if (hasLetter || isLetterAt(text, i + 1)) return true;
        hasDigit = true;
      } else {
        if (hasDigit) return true;
        hasLetter = true;
        if (c === last) continue;
      }
      s = delta[s * alpha + c] as number;
      if (accept[s] === 1) return true;
      last = c;
      tokenLen++;
      continue;
    }
    if (c === IGNORE) continue;
    if (c === LEETISH) {
      if (tokenLen > 0 || isLetterAt(text, i + 1)) return true;
      c = SEP;
    }
    if (c === RISKY) return true;
    // separator
    if (tokenLen === 1) {
      if (++singles >= 3) return true; // "c o n n a r d"
    } else if (tokenLen > 1) singles = 0;
    if (tokenLen > 0) {
      s = delta[s * alpha + SPACE] as number;
      if (accept[s] === 1) return true;
    }
    last = -1;
    tokenLen = 0;
    hasLetter = false;
    hasDigit = false;
  }
  return tokenLen === 1 && singles >= 2;
}

function isLetterAt(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = table[text.charCodeAt(i)] as number;
  return c === UNKNOWN || (c >= 0 && c < 26) || c === RISKY;
}
