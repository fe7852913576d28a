// The second half of normalisation (normalize.ts reads raw characters into tokens): camelCase
// handles and hashtags split into words, letters spelt out one by one joined into a word, leetspeak
// read as letters when the word has letters, repeated letters collapsed into one stream character.
// Like normalize.ts it allocates nothing per call: the output stream is one shared set of buffers.
import {
  LEET_ALT_CODE,
  LEET_CODE,
  SEP_CLAUSE,
  SEP_COMMA,
  SEP_DOT,
  SEP_QUOTE,
  SEP_QUOTE_TWICE,
  SEP_SPACE,
  SEP_WIDE,
} from './fold.ts';

export const FLAG_HANDLE = 1;
/**
 * Words glued together: a hashtag (#salepute) or letters joined from single characters
 * ("s t f u w h o r e"). Long terms may match inside such a word, not only at its start.
 */
export const FLAG_GLUED = 2;

/** Views on shared scratch buffers: valid until the next normalize() call (copy to keep). */
export interface Normalized {
  text: string;
  /** Original span (UTF-16, end exclusive) of each stream character. */
  start: Int32Array;
  end: Int32Array;
  /** How many repeated original letters were collapsed into each stream character. */
  run: Uint16Array;
  /** FLAG_HANDLE / FLAG_GLUED per stream character. */
  flags: Uint8Array;
  /** Second reading of ambiguous leet characters ('1' = i or l) per stream index, 0 = none; 42 ('*') = any letter. */
  alt: Uint8Array | null;
}

/**
 * The stream of the last normalizeStream() call, on the whole scratch buffers: only indices below
 * `length` are meaningful. The hot path uses this (no views, no string); normalize() wraps it.
 */
export interface Stream {
  length: number;
  codes: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  run: Uint16Array;
  flags: Uint8Array;
  /** Meaningful only when hasAlt. */
  alt: Uint8Array;
  hasAlt: boolean;
  /** Some stream character is in a glued word (FLAG_GLUED). */
  hasGlued: boolean;
  /** The raw text holds a sign of coded hate the stream drops: "(((" or a monkey emoji (coded-hate.ts). */
  hasCodedSign: boolean;
}

// Raw character kinds inside a token (written by normalize.ts).
export const R_LETTER = 0;
export const R_DIGIT = 1;
export const R_LEET = 2;
export const R_STAR = 3;
export const R_OTHER = 4;

// Tokens after camelCase splitting: first raw char, end raw char, prefix ('@' 64 / '#' 35 / 0),
// separator flags before the token, continuation of a split handle/hashtag.
let uCap = 0;
let uCs = new Int32Array(0);
let uCe = new Int32Array(0);
let uPre = new Uint8Array(0);
let uSep = new Uint8Array(0);
let uCont = new Uint8Array(0);
// Output stream.
let outCap = 0;
/** The one output stream, rewritten by every normalizeStream() call. */
export const stream: Stream = {
  length: 0,
  codes: new Uint16Array(0),
  start: new Int32Array(0),
  end: new Int32Array(0),
  run: new Uint16Array(0),
  flags: new Uint8Array(0),
  alt: new Uint8Array(0),
  hasAlt: false,
  hasGlued: false,
  hasCodedSign: false,
};

function ensureSplit(n: number): void {
  if (n <= uCap) return;
  uCap = n;
  uCs = new Int32Array(uCap);
  uCe = new Int32Array(uCap);
  uPre = new Uint8Array(uCap);
  uSep = new Uint8Array(uCap);
  uCont = new Uint8Array(uCap);
}

function ensureOut(n: number): void {
  if (n <= outCap) return;
  outCap = Math.max(n, outCap * 2, 256);
  stream.codes = new Uint16Array(outCap);
  stream.start = new Int32Array(outCap);
  stream.end = new Int32Array(outCap);
  stream.run = new Uint16Array(outCap);
  stream.flags = new Uint8Array(outCap);
  stream.alt = new Uint8Array(outCap);
}

/** Split camelCase handles and hashtags (#SaleConnasse -> sale connasse): t* tokens -> u* tokens. */
let nu = 0;
export function splitCamel(
  nt: number,
  tCs: Int32Array,
  tCe: Int32Array,
  tPre: Uint8Array,
  tSep: Uint8Array,
  ru: Uint8Array,
  rk: Uint8Array,
): void {
  // As many pieces as there are raw characters at most; the token buffers are sized for that.
  ensureSplit(tCs.length);
  nu = 0;
  for (let k = 0; k < nt; k++) {
    const pre = tPre[k] as number;
    const ce = tCe[k] as number;
    let cs = tCs[k] as number;
    let cont = 0;
    if (pre !== 0) {
      for (let i = cs + 1; i < ce; i++) {
        if (ru[i] === 1 && ru[i - 1] === 0 && rk[i - 1] === R_LETTER) {
          pushU(cs, i, pre, cont === 1 ? SEP_SPACE : (tSep[k] as number), cont);
          cont = 1;
          cs = i;
        }
      }
    }
    pushU(cs, ce, pre, cont === 1 ? SEP_SPACE : (tSep[k] as number), cont);
  }
}
function pushU(cs: number, ce: number, pre: number, s: number, cont: number): void {
  uCs[nu] = cs;
  uCe[nu] = ce;
  uPre[nu] = pre;
  uSep[nu] = s;
  uCont[nu] = cont;
  nu++;
}

/** Writes a separator at stream index m; returns the next index. */
function pushSep(m: number, code: number, at: number, flag: number): number {
  const o = stream;
  o.codes[m] = code;
  o.start[m] = at;
  o.end[m] = at + (code === 64 || code === 35 ? 1 : 0);
  o.run[m] = 1;
  o.flags[m] = flag;
  o.alt[m] = 0;
  return m + 1;
}

/** Writes the stream from the split tokens over the raw characters (codes, spans, kinds). */
export function emit(
  rawChars: number,
  trailing: number,
  len: number,
  rc: Uint16Array,
  rs: Int32Array,
  re: Int32Array,
  rk: Uint8Array,
): void {
  ensureOut(rawChars + nu * 4 + 4);
  const o = stream;
  // Locals, not property loads, in the per-character loop.
  const oc = o.codes;
  const os = o.start;
  const oe = o.end;
  const or = o.run;
  const of = o.flags;
  const oa = o.alt;
  const kc = rc;
  const ks = rs;
  const ke = re;
  const kk = rk;
  let hasAlt = false;
  let hasGlued = false;
  let m = 0;
  for (let i = 0; i < nu;) {
    // Join letters split by spaces, dots, dashes or emoji: "c o n n a r d", "c.o.n.n.a.r.d".
    let j = i;
    for (; j < nu; j++) {
      if ((uCe[j] as number) - (uCs[j] as number) !== 1 || uPre[j] !== 0) break;
      // A wide gap (two spaces) separates words spelt out letter by letter: "s t f u  w h o r e".
      if (j > i && ((uSep[j] as number) & (SEP_CLAUSE | SEP_QUOTE | SEP_COMMA | SEP_WIDE)) !== 0) break;
    }
    if (j - i < 3) j = i + 1; // a token of its own
    // Token(s) i..j-1 form one word; a joined group takes the first part's separator and no prefix.
    const tsep = uSep[i] as number;
    const pre = j - i === 1 ? (uPre[i] as number) : 0;
    const cont = j - i === 1 && uCont[i] === 1;
    const at = rs[uCs[i] as number] as number;
    const flag = pre === 64 ? FLAG_HANDLE : pre === 35 || j - i > 1 ? FLAG_GLUED : 0;
    if (flag === FLAG_GLUED) hasGlued = true;
    if (tsep & SEP_QUOTE) m = pushSep(m, 34, at, 0);
    if (m > 0 && tsep & (SEP_CLAUSE | SEP_DOT)) m = pushSep(m, 124, at, 0);
    else if (m > 0 && tsep & SEP_COMMA) m = pushSep(m, 44, at, 0);
    else if (m > 0 && !(tsep & SEP_QUOTE)) m = pushSep(m, 32, at, cont ? flag : 0);
    if (tsep & SEP_QUOTE_TWICE) m = pushSep(m, 34, at, 0);
    if (pre !== 0 && !cont) m = pushSep(m, pre, at - 1, flag);
    let leet = false;
    for (let p = i; p < j && !leet; p++) {
      for (let r = uCs[p] as number; r < (uCe[p] as number); r++) {
        if (rk[r] === R_LETTER) {
          leet = true;
          break;
        }
      }
    }
    let last = -1;
    for (let p = i; p < j; p++) {
      const pe = uCe[p] as number;
      for (let r = uCs[p] as number; r < pe; r++) {
        const kind = kk[r] as number;
        let code = kc[r] as number;
        let altCode = -1;
        if (kind === R_DIGIT || kind === R_LEET) {
          if (!leet) {
            if (kind === R_LEET) continue;
          } else {
            const mapped = LEET_CODE[code] as number;
            if (mapped >= 0) {
              altCode = LEET_ALT_CODE[code] as number;
              code = mapped;
            }
          }
        }
        // A star in a word masks one letter ("p*te"): the matcher tries every letter there.
        if (kind === R_STAR && leet) altCode = 42;
        const isDigit = (code >= 48 && code <= 57) || code === 42;
        if (code === last && !isDigit && altCode < 0 && oa[m - 1] === 0) {
          or[m - 1] = (or[m - 1] as number) + 1;
          oe[m - 1] = ke[r] as number;
          continue;
        }
        oc[m] = code;
        os[m] = ks[r] as number;
        oe[m] = ke[r] as number;
        or[m] = 1;
        of[m] = flag;
        if (altCode >= 0) {
          oa[m] = altCode;
          hasAlt = true;
        } else oa[m] = 0;
        last = code;
        m++;
      }
    }
    i = j;
  }
  if (trailing & SEP_QUOTE) m = pushSep(m, 34, len, 0);
  if (trailing & SEP_QUOTE_TWICE) m = pushSep(m, 34, len, 0);
  o.length = m;
  o.hasAlt = hasAlt;
  o.hasGlued = hasGlued;
}

/** The stream's characters as a string (for word lists and explanations, not the hot path). */
export function streamText(s: Stream): string {
  let text = '';
  for (let i = 0; i < s.length; i += 4096) {
    text += String.fromCharCode.apply(
      null,
      s.codes.subarray(i, Math.min(s.length, i + 4096)) as unknown as number[],
    );
  }
  return text;
}
