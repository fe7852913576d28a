// Normalisation that keeps offsets back to the original text.
//
// The output is a compact stream: lowercase Latin letters, digits and '*' inside words; ' ' between
// words; '|' for a clause break; '"' for a quotation mark; '@' / '#' before handles and hashtags.
// ',' marks a weak break (comma): phrases stop there, negation windows too, targeting does not.
// Repeated letters are collapsed into one stream character whose `run` says how many there were,
// so "connnaaard" and "connard" both become "conard" and the matcher checks the runs against the
// term's own (which keeps "as" from matching "ass", "but" from matching "butt").
//
// Speed: this runs for every post that may contain a term, so it allocates nothing per call.
// Raw characters, tokens and the output stream live in typed arrays reused between calls
// (score() is synchronous, so calls never interleave); characters are classified through the flat
// tables of fold.ts. The stream is read as char codes; a string is only built on request.
import {
  C_AT,
  C_DIGIT,
  C_HASH,
  C_IGNORE,
  C_LEET,
  C_LETTER,
  C_MULTI,
  C_OTHER_LETTER,
  C_STAR,
  C_UNKNOWN,
  classOf,
  codeOf,
  FOLD_CLASS,
  FOLD_CODE,
  FOLD_UPPER,
  foldCodePoint,
  learn,
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
import { isCodedHateSign } from './coded-hate.ts';

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

// Raw character kinds inside a token.
const R_LETTER = 0;
const R_DIGIT = 1;
const R_LEET = 2;
const R_STAR = 3;
const R_OTHER = 4;

const reUrl = /\b(?:https?:\/\/|www\.)\S+/giu;

// Raw characters: folded code, original span, kind, upper-case flag.
let cap = 0;
let rc = new Uint16Array(0);
let rs = new Int32Array(0);
let re = new Int32Array(0);
let rk = new Uint8Array(0);
let ru = new Uint8Array(0);
// Tokens as found (t*) and after camelCase splitting (u*): first raw char, end raw char, prefix
// ('@' 64 / '#' 35 / 0), separator flags before the token, continuation of a split handle/hashtag.
let tokCap = 0;
let tCs = new Int32Array(0);
let tCe = new Int32Array(0);
let tPre = new Uint8Array(0);
let tSep = new Uint8Array(0);
let uCs = new Int32Array(0);
let uCe = new Int32Array(0);
let uPre = new Uint8Array(0);
let uSep = new Uint8Array(0);
let uCont = new Uint8Array(0);
// Output stream.
let outCap = 0;
const stream: Stream = {
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

function ensure(n: number): void {
  if (n <= cap) return;
  cap = Math.max(n, cap * 2, 256);
  rc = new Uint16Array(cap);
  rs = new Int32Array(cap);
  re = new Int32Array(cap);
  rk = new Uint8Array(cap);
  ru = new Uint8Array(cap);
}

function ensureTokens(n: number): void {
  if (n <= tokCap) return;
  tokCap = Math.max(n, tokCap * 2, 128);
  tCs = new Int32Array(tokCap);
  tCe = new Int32Array(tokCap);
  tPre = new Uint8Array(tokCap);
  tSep = new Uint8Array(tokCap);
  uCs = new Int32Array(tokCap);
  uCe = new Int32Array(tokCap);
  uPre = new Uint8Array(tokCap);
  uSep = new Uint8Array(tokCap);
  uCont = new Uint8Array(tokCap);
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

// Tokenizer state of the current call (module level so that endToken is not a per-call closure).
let n = 0;
let tokStart = 0;
let prefix = 0;
let sep = 0;
let nt = 0;

function endToken(): void {
  // Leading/trailing '!' and '|' are punctuation, not leetspeak ("connard!!!", "|bitch|").
  let cs = tokStart;
  let ce = n;
  while (cs < ce && rk[cs] === R_LEET && (rc[cs] === 33 || rc[cs] === 124)) cs++;
  while (ce > cs && rk[ce - 1] === R_LEET && (rc[ce - 1] === 33 || rc[ce - 1] === 124)) ce--;
  if (ce > cs) {
    tCs[nt] = cs;
    tCe[nt] = ce;
    tPre[nt] = prefix;
    tSep[nt] = sep;
    nt++;
    sep = 0;
  } else if (n > tokStart) sep |= SEP_CLAUSE;
  if (ce < n) sep |= SEP_CLAUSE;
  tokStart = n;
  prefix = 0;
}

function pushRaw(code: number, i: number, w: number, kind: number, upper: number): void {
  rc[n] = code;
  rs[n] = i;
  re[n] = i + w;
  rk[n] = kind;
  ru[n] = upper;
  n++;
}

/** Normalises `input` into the shared stream (see Stream) and returns it. */
export function normalizeStream(input: string): Stream {
  const len = input.length;
  ensure(len * 3 + 8);
  // Every token (and camelCase piece) holds at least one raw char.
  ensureTokens(len * 3 + 8);
  n = 0;
  tokStart = 0;
  prefix = 0;
  sep = 0;
  nt = 0;
  let urlAt = -1;
  let urlEnd = 0;
  let parens = 0;
  let parenAt = -2;
  stream.hasCodedSign = false;
  if (input.includes('http') || input.includes('www.')) {
    reUrl.lastIndex = 0;
    const u = reUrl.exec(input);
    if (u !== null) {
      urlAt = u.index;
      urlEnd = u.index + u[0].length;
    }
  }
  // Hot loop: arrays and the raw count in locals (module-level lets cost a context load each).
  const kc = rc;
  const ks = rs;
  const ke = re;
  const kk = rk;
  const ku = ru;
  const cls_ = FOLD_CLASS;
  const code_ = FOLD_CODE;
  let k = 0; // raw chars so far (mirrors n, which endToken reads)
  for (let i = 0; i < len;) {
    if (urlAt >= 0 && i >= urlAt) {
      // URLs are opaque (shortened links contain random letters): a plain separator.
      n = k;
      if (n > tokStart) endToken();
      sep |= SEP_SPACE;
      i = Math.max(i, urlEnd);
      const u = reUrl.exec(input);
      if (u === null) urlAt = -1;
      else {
        urlAt = u.index;
        urlEnd = u.index + u[0].length;
      }
      continue;
    }
    let cp = input.charCodeAt(i);
    let w = 1;
    let cls: number;
    let code: number;
    let upper: number;
    if (cp < 0xd800 || cp > 0xdbff || i + 1 >= len) {
      cls = cls_[cp] as number;
      if (cls === C_UNKNOWN) cls = learn(cp);
      code = code_[cp] as number;
      if (cls === C_LETTER) {
        // C_LETTER, the common case
        kc[k] = code;
        ks[k] = i;
        ke[k] = i + 1;
        kk[k] = R_LETTER;
        ku[k] = FOLD_UPPER[cp] as number;
        k++;
        i++;
        continue;
      }
      upper = FOLD_UPPER[cp] as number;
    } else {
      const lo = input.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        w = 2;
        if (isCodedHateSign(cp)) stream.hasCodedSign = true;
        const f = foldCodePoint(cp);
        cls = classOf(f);
        code = codeOf(f);
        upper = f.upper ? 1 : 0;
      } else {
        cls = cls_[cp] as number;
        if (cls === C_UNKNOWN) cls = learn(cp);
        code = code_[cp] as number;
        upper = FOLD_UPPER[cp] as number;
      }
    }
    n = k;
    switch (cls) {
      case C_LETTER:
        pushRaw(code, i, w, R_LETTER, upper);
        break;
      case C_MULTI: {
        const f = foldCodePoint(cp);
        for (let j = 0; j < f.out.length; j++) pushRaw(f.out.charCodeAt(j), i, w, R_LETTER, upper);
        break;
      }
      case C_OTHER_LETTER:
        pushRaw(95, i, w, R_OTHER, 0); // '_': a word character no term contains
        break;
      case C_DIGIT:
        pushRaw(code, i, w, R_DIGIT, 0);
        break;
      case C_LEET:
        pushRaw(code, i, w, R_LEET, 0);
        break;
      case C_STAR:
        pushRaw(code, i, w, R_STAR, 0);
        break;
      case C_AT:
      case C_HASH:
        if (n === tokStart && prefix === 0) prefix = cls === C_AT ? 64 : 35;
        else if (cls === C_AT) pushRaw(64, i, w, R_LEET, 0);
        else {
          endToken();
          sep |= SEP_SPACE;
        }
        break;
      case C_IGNORE:
        break; // zero-width characters inside a word do not split it
      default: // C_SEP: `code` holds the separator flags
        if (cp === 40) {
          // "(((": the echo, a sign of coded hate (coded-hate.ts).
          parens = parenAt === i - 1 ? parens + 1 : 1;
          parenAt = i;
          if (parens >= 3) stream.hasCodedSign = true;
        }
        if (n > tokStart) endToken();
        else {
          prefix = 0;
          // A second space in a row: a wide gap (see emit()).
          if (code & SEP_SPACE && sep & SEP_SPACE) sep |= SEP_WIDE;
        }
        // Quotation marks alternate: two between tokens close one quotation and open the next.
        if (code & SEP_QUOTE && sep & SEP_QUOTE) sep |= SEP_QUOTE_TWICE;
        sep |= code;
    }
    k = n;
    i += w;
  }
  n = k;
  if (n > tokStart) endToken();
  splitCamel();
  emit(n, sep, len);
  return stream;
}

/** Split camelCase handles and hashtags (#SaleConnasse -> sale connasse): t* tokens -> u* tokens. */
let nu = 0;
function splitCamel(): void {
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

function emit(rawChars: number, trailing: number, len: number): void {
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

/** Normalises `input`: views on the shared buffers plus the stream as a string. */
export function normalize(input: string): Normalized {
  const s = normalizeStream(input);
  return {
    text: streamText(s),
    start: s.start.subarray(0, s.length),
    end: s.end.subarray(0, s.length),
    run: s.run.subarray(0, s.length),
    flags: s.flags.subarray(0, s.length),
    alt: s.hasAlt ? s.alt.subarray(0, s.length) : null,
  };
}
